// A closed-loop load generator: `concurrency` connections, each sending its next request when the last
// one is answered; per-request latency in microseconds. Bounded in count and in time.
import { Pool } from 'undici';

export interface LoadResult {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  perSecond: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export function summarise(latenciesUs: number[], elapsedMs: number): LoadResult {
  const sorted = [...latenciesUs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    perSecond: (sorted.length / elapsedMs) * 1000,
  };
}

export interface Target {
  origin: string;
  socketPath?: string;
}

export async function load(
  target: Target,
  path: string,
  opts: { concurrency: number; requests: number; maxMs: number; method?: 'GET' | 'POST'; body?: string },
): Promise<LoadResult> {
  const pool = new Pool(target.origin, {
    connections: opts.concurrency,
    pipelining: 1,
    socketPath: target.socketPath,
  });
  const latencies: number[] = [];
  let issued = 0;
  const started = Date.now();
  const deadline = started + opts.maxMs;
  const worker = async (): Promise<void> => {
    while (issued < opts.requests && Date.now() < deadline) {
      issued++;
      const t0 = process.hrtime.bigint();
      const res = await pool.request({
        method: opts.method ?? 'GET',
        path,
        body: opts.body,
        headers: opts.body ? { 'content-type': 'application/json' } : undefined,
      });
      await res.body.dump();
      if (res.statusCode >= 400) throw new Error(`${target.origin}${path} answered ${res.statusCode}`);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsed = Date.now() - started;
  await pool.close();
  return summarise(latencies, elapsed);
}
