// What the services benchmarks share: the Docker CLI, a service's tasks read through the swarm-mode API
// (Shoal's or a real swarm manager's, the same request either way), bounded polls and the tables they print.
import { execFile } from 'node:child_process';
import { Pool } from 'undici';

export const say = (l: string) => process.stdout.write(`${l}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Docker CLI 28 against `host` (tcp://… or unix://…); its stdout. */
export function docker(host: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('/usr/local/bin/docker', ['-H', host, ...args], { timeout: timeoutMs }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`docker -H ${host} ${args.join(' ')}: ${stderr || err.message}`))
        : resolve(stdout),
    ),
  );
}

/** A connection pool to the API at `host`, as the CLI addresses it. */
export function apiPool(host: string): Pool {
  if (host.startsWith('unix://')) return new Pool('http://localhost', { socketPath: host.slice(7) });
  return new Pool(host.replace(/^tcp:/, 'http:'));
}

export interface TaskView {
  ID: string;
  NodeID?: string;
  Status: { State: string };
  DesiredState: string;
  Spec?: { ContainerSpec?: { Image?: string } };
}

/** The service's tasks that are meant to run (the filter `docker service ps` sends). */
export async function desiredRunning(pool: Pool, service: string): Promise<TaskView[]> {
  const filters = encodeURIComponent(
    JSON.stringify({ service: { [service]: true }, 'desired-state': { running: true } }),
  );
  const res = await pool.request({
    method: 'GET',
    path: `/v1.41/tasks?filters=${filters}`,
    headersTimeout: 10_000,
    bodyTimeout: 30_000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET /tasks answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as TaskView[];
}

export const isRunning = (t: TaskView) => t.Status.State === 'running';

/** Calls `fn` every `everyMs` until it returns a value; throws once `timeoutMs` has passed. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

/** Milliseconds from now until the service has `n` running tasks (polled every 50 ms). */
export async function timeToRunning(
  pool: Pool,
  service: string,
  n: number,
  timeoutMs = 120_000,
): Promise<number> {
  const t0 = performance.now();
  await until(
    `${n} running tasks of ${service}`,
    async () => ((await desiredRunning(pool, service)).filter(isRunning).length >= n ? true : undefined),
    timeoutMs,
  );
  return performance.now() - t0;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  max: number;
}

export function summary(xs: readonly number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    min: s[0] ?? NaN,
    p50: s[Math.floor((s.length - 1) / 2)] ?? NaN,
    max: s[s.length - 1] ?? NaN,
  };
}

/** Prints rows as an aligned table; the first row is the header. */
export function table(rows: string[][]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    `  | ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  rows.forEach((r, i) => {
    say(line(r));
    if (i === 0)
      say(`  |${widths.map((w, j) => (j === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  });
}

export const ms = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(0));
