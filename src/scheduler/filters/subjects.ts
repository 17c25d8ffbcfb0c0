// What an affinity is matched against on a node, computed once per node snapshot and key (snapshots are
// immutable and reused across decisions until their engine changes).
import type { NodeSnapshot } from '../types.js';

function memoOf(node: NodeSnapshot): Map<string, Set<string>> {
  return node.memo;
}

function cached(node: NodeSnapshot, key: string, build: () => Iterable<string>): Set<string> {
  const m = memoOf(node);
  let set = m.get(key);
  if (!set) m.set(key, (set = new Set(build())));
  return set;
}

const CONTAINER = '\u0000container';
const IMAGE = '\u0000image';

/** Container IDs and names on the node (a create in flight has no ID yet but has its name). */
export function containerSubjects(node: NodeSnapshot): Set<string> {
  return cached(node, CONTAINER, function* () {
    for (const c of node.containers) {
      if (c.id) yield c.id;
      if (c.name) yield c.name;
    }
  });
}

export function imageSubjects(node: NodeSnapshot): Set<string> {
  return cached(node, IMAGE, () => node.images);
}

/** The values of one container label on the node ("" for containers without it, as classic did). */
export function labelSubjects(node: NodeSnapshot, key: string): Set<string> {
  const m = memoOf(node);
  let set = m.get(key);
  if (!set) {
    set = new Set<string>();
    for (const c of node.containers) set.add(c.labels[key] ?? '');
    m.set(key, set);
  }
  return set;
}
