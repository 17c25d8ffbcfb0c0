// A state store of its own for each benchmark manager, so benchmarks never touch the default store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function benchStoreArgs(): string[] {
  return ['--store', `file://${join(mkdtempSync(join(tmpdir(), 'shoal-bench-store-')), 'state.json')}`];
}
