// Starting the processes under test (Shoal, classic Swarm, the comparison proxies) as children, so the load
// generator does not share their event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Child {
  proc: ChildProcess;
  port: number;
  rssKiB(): number;
  /** Undefined while it runs; once it has exited, its first fatal line (Go's `fatal error:`/`panic:`) or code. */
  ended(): string | undefined;
  stop(): Promise<void>;
}

function rssOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const FATAL = /^(fatal error: .*|panic: .*|Uncaught .*|\w*Error: .*)$/m;

/** Spawns `command args…` and waits until `ready` finds its port in stdout or stderr. */
export function startProcess(
  command: string,
  args: string[],
  ready: (out: string) => number | undefined,
  timeoutMs = 30_000,
): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let fatal: string | undefined;
    let ended: string | undefined;
    // After readiness only whole lines are looked at, for a fatal one, and only the unfinished last line is
    // kept, so a chatty child (classic logs every engine) costs little and a line split between reads is whole.
    let partial = '';
    const watch = (d: Buffer) => {
      if (fatal !== undefined) return;
      const text = partial + d.toString();
      const cut = text.lastIndexOf('\n');
      partial = text.slice(cut + 1);
      if (cut >= 0) fatal = FATAL.exec(text.slice(0, cut))?.[1];
    };
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${command} did not become ready in ${timeoutMs / 1000} s:\n${out.slice(-2000)}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const port = ready(out);
      if (port === undefined) return;
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      proc.stderr?.off('data', onData);
      proc.stdout?.on('data', watch);
      proc.stderr?.on('data', watch);
      resolve({
        proc,
        port,
        rssKiB: () => rssOf(proc.pid),
        ended: () => ended,
        stop: () =>
          new Promise((done) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return done();
            proc.once('exit', () => done());
            proc.kill('SIGTERM');
          }),
      });
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      fatal ??= FATAL.exec(partial)?.[1] ?? FATAL.exec(out)?.[1];
      ended = fatal ?? `exited with ${code ?? signal}`;
      reject(new Error(`${command} ${ended}:\n${out.slice(-2000)}`));
    });
  });
}

/** Spawns `node …nodeArgs script args…` and waits until `ready` finds its port in stdout or stderr. */
export function startChild(
  script: string,
  args: string[],
  ready: (out: string) => number | undefined,
  timeoutMs = 30_000,
  nodeArgs: string[] = [],
): Promise<Child> {
  return startProcess('node', [...nodeArgs, script, ...args], ready, timeoutMs);
}

/**
 * `shoal manage …args` as a child, ready once it listens (and, with `engines`, once that many engines have
 * registered); its port is the one it listens on.
 */
export function startManager(args: string[], engines = 0): Promise<Child> {
  return startChild('dist/src/cli.js', ['manage', ...args], (out) => {
    if ((out.match(/Registered Engine/g) ?? []).length < engines) return undefined;
    const m = /Listening for HTTP on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  });
}
