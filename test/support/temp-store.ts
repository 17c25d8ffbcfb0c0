// A store file of its own for a test manager (`--store file:///tmp/…`), never the default path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempStore {
  path: string;
  /** ['--store', 'file:///…/state.json'] */
  args: string[];
  remove(): void;
}

export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-test-store-'));
  const path = join(dir, 'state.json');
  return {
    path,
    args: ['--store', `file://${path}`],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
