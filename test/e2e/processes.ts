// Shoal commands as child processes (join agents, managers), so a test can kill them like a crash would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'src', 'cli.js');

export interface Child {
  proc: ChildProcess;
  /** Everything it logged so far. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `shoal <args>` from the build (npm test builds first). */
export function shoal(args: string[]): Child {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** Runs a shoal command to its end. */
export function shoalOnce(args: string[]): Promise<{ code: number; output: string }> {
  const c = shoal(args);
  return new Promise((resolve) =>
    c.proc.once('exit', (code) => resolve({ code: code ?? 1, output: c.output() })),
  );
}
