// A store that counts the errors its calls throw, by operation and error code, and passes everything on
// unchanged (the metrics read the counts on each scrape).
import { StoreError } from './errors.js';
import type { Store } from './store.js';

export type StoreOperation = 'read' | 'list' | 'write' | 'delete' | 'writeMany';

export interface CountedStore extends Store {
  /** Errors so far, keyed `operation code` (code: a StoreError's, or `other`). */
  readonly errorCounts: ReadonlyMap<string, number>;
}

export function countedStore(inner: Store): CountedStore {
  const errorCounts = new Map<string, number>();
  const counted =
    <A extends unknown[], R>(op: StoreOperation, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        const key = `${op} ${err instanceof StoreError ? err.code : 'other'}`;
        errorCounts.set(key, (errorCounts.get(key) ?? 0) + 1);
        throw err;
      }
    };
  return {
    errorCounts,
    read: counted('read', (key: string) => inner.read(key)),
    list: counted('list', (prefix: string) => inner.list(prefix)),
    write: counted('write', (key: string, value: unknown, expectedVersion?: number) =>
      inner.write(key, value, expectedVersion),
    ),
    delete: counted('delete', (key: string, expectedVersion?: number) => inner.delete(key, expectedVersion)),
    writeMany: counted('writeMany', (ops: Parameters<Store['writeMany']>[0]) => inner.writeMany(ops)),
    setWritable: (fn) => inner.setWritable(fn),
    describe: () => inner.describe(),
    close: () => inner.close(),
  };
}
