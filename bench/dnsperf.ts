// One dnsperf run against a server process, summarised: its achieved rate, average and max (dnsperf's own
// summary), percentiles from -v's per-query latencies (the summary has none), and the server's CPU a query.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { percentile } from './load.js';

export interface DnsperfTarget {
  host: string;
  port: number;
  /** The source address: whom the server sees asking. */
  source: string;
  /** The server's process, for its CPU time. */
  pid: number;
}

export interface DnsperfResult {
  qps: number;
  lost: number;
  avgMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** The server's CPU (user + system, all its threads) per query answered, in µs. */
  cpuUs: number;
  /** The 1-minute load average when the run ended (other work on the machine shows here). */
  load: number;
}

export function dnsperfArgs(
  t: DnsperfTarget,
  queries: string,
  clients: number,
  seconds: number,
  rate?: number,
) {
  const args = ['-s', t.host, '-p', String(t.port), '-a', t.source, '-d', queries, '-c', String(clients)];
  return [...args, '-l', String(seconds), '-v', ...(rate ? ['-Q', String(rate)] : [])];
}

/** utime + stime of a process and its live children (Shoal's DNS workers) so far, in µs (ticks of 10 ms). */
function cpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  let us = (Number(fields[11]) + Number(fields[12])) * 10_000;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const kids = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean);
    for (const kid of kids) us += cpuUs(Number(kid));
  }
  return us;
}

/** Runs dnsperf with `args`; -v's line a query goes to `out`, a file, so reading it takes no CPU during the run. */
export async function dnsperf(t: DnsperfTarget, args: string[], out: string): Promise<DnsperfResult> {
  const fd = openSync(out, 'w');
  const cpu0 = cpuUs(t.pid);
  const code = await new Promise<number | null>((resolve) =>
    spawn('dnsperf', args, { stdio: ['ignore', fd, 'inherit'] }).once('exit', resolve),
  );
  const cpu = cpuUs(t.pid) - cpu0;
  closeSync(fd);
  if (code !== 0) throw new Error(`dnsperf ${args.join(' ')} exited with ${code}`);
  const text = readFileSync(out, 'utf8');
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  // `> NOERROR svc0304 A 0.000123`: the latency in seconds; `> T …` is a query lost.
  const lat: number[] = [];
  for (const line of text.split('\n'))
    if (line.startsWith('> NOERROR ')) lat.push(Number(line.slice(line.lastIndexOf(' '))));
  lat.sort((a, b) => a - b);
  return {
    qps: num(/Queries per second:\s+([\d.]+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    p50Ms: percentile(lat, 50) * 1000,
    p99Ms: percentile(lat, 99) * 1000,
    p999Ms: percentile(lat, 99.9) * 1000,
    maxMs: num(/Average Latency.*max ([\d.]+)\)/) * 1000,
    cpuUs: cpu / Math.max(1, num(/Queries completed:\s+(\d+)/)),
    load: loadavg()[0] ?? NaN,
  };
}
