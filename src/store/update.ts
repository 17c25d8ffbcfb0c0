// Read-modify-write of one record with compare-and-set, tried again when another writer got there first.
import { StoreConflictError } from './errors.js';
import type { Store } from './store.js';

/**
 * Applies `change` to the current value (undefined when absent) and writes the result only if nobody
 * wrote in between; a result of undefined deletes the record, an equal result writes nothing. `change`
 * may be called several times, so it must not have side effects. Returns the value now stored.
 */
export async function updateRecord<T>(
  store: Store,
  key: string,
  change: (current: T | undefined) => T | undefined,
  attempts = 8,
): Promise<T | undefined> {
  for (let i = 0; i < attempts; i++) {
    const cur = await store.read(key);
    const before = cur === undefined ? undefined : JSON.stringify(cur.value);
    const next = change(cur?.value as T | undefined);
    const after = next === undefined ? undefined : JSON.stringify(next);
    if (after === before) return next;
    const ok =
      next === undefined
        ? await store.delete(key, cur?.version)
        : await store.write(key, next, cur?.version ?? 0);
    if (ok) return next;
  }
  throw new StoreConflictError(key, attempts);
}
