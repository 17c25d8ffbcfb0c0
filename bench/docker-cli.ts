// The Docker CLI and Shoal's HTTP API as the paths benchmark drives them, and the clock it reads: the
// kernel's (/proc/uptime), which containers on the lab's engines read too.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const DOCKER = '/usr/local/bin/docker';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `docker -H host args…`: its exit code and output, never a throw. */
export function docker(host: string, args: string[], timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) =>
    execFile(
      DOCKER,
      ['-H', host, ...args],
      { timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
}

/** Like docker(), but a failure throws with the CLI's message; resolves to stdout. */
export async function mustDocker(host: string, args: string[], timeoutMs?: number): Promise<string> {
  const r = await docker(host, args, timeoutMs);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout;
}

/** A container's address on its (one) network. */
export async function ipOf(host: string, container: string): Promise<string> {
  const f = '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}';
  return (await mustDocker(host, ['inspect', '-f', f, container])).trim();
}

/** Shoal's `/info` SystemStatus (undefined when it does not answer in time). */
export async function systemStatus(base: string): Promise<[string, string][] | undefined> {
  try {
    const r = await fetch(`${base}/info`, { signal: AbortSignal.timeout(2000) });
    return ((await r.json()) as { SystemStatus?: [string, string][] }).SystemStatus ?? [];
  } catch {
    return undefined;
  }
}

/** The kernel's boot-time clock in ms (10 ms steps): the same clock inside the lab's containers. */
export function uptimeMs(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it returns a value; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(everyMs);
  }
}
