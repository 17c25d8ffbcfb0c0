// One cluster's part of a store: every key under `clusters/<identity>/`, so a manager for other engines
// (another discovery) sharing the same file or Consul prefix never sees, blocks on or brings back its state.
import type { Store, StoreEntry } from './store.js';

export function scopedStore(inner: Store, cluster: string): Store {
  const prefix = `clusters/${cluster}/`;
  const strip = (e: StoreEntry): StoreEntry => ({ ...e, key: e.key.slice(prefix.length) });
  return {
    read: async (key) => {
      const e = await inner.read(prefix + key);
      return e && strip(e);
    },
    list: async (p) => (await inner.list(prefix + p)).map(strip),
    write: (key, value, expectedVersion) => inner.write(prefix + key, value, expectedVersion),
    delete: (key, expectedVersion) => inner.delete(prefix + key, expectedVersion),
    writeMany: (ops) => inner.writeMany(ops.map((op) => ({ ...op, key: prefix + op.key }))),
    setWritable: (fn) => inner.setWritable(fn),
    describe: () => `${inner.describe()}, cluster ${cluster}`,
    close: () => inner.close(),
  };
}
