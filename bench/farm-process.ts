// A simulated engine farm (test/support/farm-main.ts) in a process of its own, for the benches that drive a
// frontend over HTTP in front of many engines.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './children.js';

/** A fresh farm of `engines` × `perEngine` in its own process, and a file listing its engines. */
export async function startFarmProcess(
  engines: number,
  perEngine: number,
): Promise<{ farm: Child; file: string }> {
  let addrs: string[] = [];
  const farm = await startChild(
    'dist/test/support/farm-main.js',
    [String(engines), String(perEngine)],
    (out) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line || !out.includes('\n', out.indexOf(line))) return undefined;
      addrs = (JSON.parse(line) as { addrs: string[] }).addrs;
      return 1;
    },
    120_000,
  );
  const file = join(mkdtempSync(join(tmpdir(), 'shoal-bench-')), 'engines');
  writeFileSync(file, addrs.join('\n') + '\n');
  return { farm, file };
}
