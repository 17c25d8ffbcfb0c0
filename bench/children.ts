// Starting the processes under test (Shoal, the comparison proxies) as children, so the load generator
// does not share their event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Child {
  proc: ChildProcess;
  port: number;
  rssKiB(): number;
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

/** Spawns `node …nodeArgs script args…` and waits until `ready` finds its port in stdout or stderr. */
export function startChild(
  script: string,
  args: string[],
  ready: (out: string) => number | undefined,
  timeoutMs = 30_000,
  nodeArgs: string[] = [],
): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn('node', [...nodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${script} did not become ready:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const port = ready(out);
      if (port === undefined) return;
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      proc.stderr?.off('data', onData);
      proc.stdout?.resume();
      proc.stderr?.resume();
      resolve({
        proc,
        port,
        rssKiB: () => rssOf(proc.pid),
        stop: () =>
          new Promise((done) => {
            if (proc.exitCode !== null) return done();
            proc.once('exit', () => done());
            proc.kill('SIGTERM');
          }),
      });
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out}`));
    });
  });
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
