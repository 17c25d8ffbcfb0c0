// What an affinity or constraint is matched against on a node, computed once per node snapshot and key.
import { exprPattern, type Expr } from '../expr.js';
import type { NodeSnapshot } from '../types.js';

const memo = new WeakMap<NodeSnapshot, Map<string, Set<string>>>();

function cached(node: NodeSnapshot, key: string, build: () => Iterable<string>): Set<string> {
  let m = memo.get(node);
  if (!m) memo.set(node, (m = new Map<string, Set<string>>()));
  let set = m.get(key);
  if (!set) m.set(key, (set = new Set(build())));
  return set;
}

/** Container IDs and names on the node (existing ones; a create in flight has no ID yet but has its name). */
export function containerSubjects(node: NodeSnapshot): Set<string> {
  return cached(node, '\u0000container', function* () {
    for (const c of node.containers) {
      if (c.id) yield c.id;
      if (c.name) yield c.name;
    }
  });
}

export function imageSubjects(node: NodeSnapshot): Set<string> {
  return cached(node, '\u0000image', () => node.images);
}

/** The values of one container label on the node ("" for containers without it, as classic did). */
export function labelSubjects(node: NodeSnapshot, key: string): Set<string> {
  return cached(node, `label:${key}`, () => node.containers.map((c) => c.labels[key] ?? ''));
}

const LITERAL = /^[A-Za-z0-9_\-:]+$/;

/** Like matchExpr over a set, but O(1) when the value is a plain word (no glob or regex). */
export function matchSet(e: Expr, subjects: Set<string>): boolean {
  let hit: boolean;
  if (LITERAL.test(e.value)) {
    hit = subjects.has(e.value);
  } else {
    const re = exprPattern(e.value);
    hit = false;
    if (re) {
      for (const s of subjects) {
        if (re.test(s)) {
          hit = true;
          break;
        }
      }
    }
  }
  return e.op === '==' ? hit : !hit;
}
