// A registry on the lab network (Debian's docker-registry), for pulls and pushes without the internet.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabLayout } from './layout.js';

export const REGISTRY_PORT = 5000;

export function registryAddr(lab: LabLayout): string {
  return `${lab.hostIp}:${REGISTRY_PORT}`;
}

export interface Registry {
  addr: string;
  stop(): Promise<void>;
}

export async function startRegistry(lab: LabLayout): Promise<Registry> {
  const dir = join(lab.dir, 'registry');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'config.yml');
  const addr = registryAddr(lab);
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${addr}\n`,
  );
  const log = openSync(join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', log, log] });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`http://${addr}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not yet
    }
    if (child.exitCode !== null)
      throw new Error(`docker-registry exited (${child.exitCode}); see ${join(dir, 'registry.log')}`);
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${addr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    addr,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
