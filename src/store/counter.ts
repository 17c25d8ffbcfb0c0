// The cluster-wide change counter (`meta/index`): every swarm-mode object with a Version.Index (nodes, the
// swarm, services) takes its next value on each change, as swarm mode's raft index moves for any change.
import type { Store } from './store.js';
import { updateRecord } from './update.js';

export const INDEX_KEY = 'meta/index';

/** Takes the next `count` values of the counter in one write; returns the first of them. */
export async function nextIndex(store: Store, count = 1): Promise<number> {
  const next = await updateRecord<{ index: number }>(store, INDEX_KEY, (cur) => ({
    index: (typeof cur?.index === 'number' ? cur.index : 0) + count,
  }));
  return (next?.index ?? count) - count + 1;
}
