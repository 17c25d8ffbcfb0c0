// Why a service's task found no node, in SwarmKit's words: `no suitable node (2 nodes not available for new
// tasks; scheduling constraints not satisfied on 1 node)`. Each node counts once, under the first filter (in
// SwarmKit's pipeline order) that rejects it; parts with more nodes come first, as SwarmKit sorts them.
import type { Decision, Filter, NodeSnapshot, PlacementRequest, Rejection } from './types.js';

/** `1 node`, `3 nodes`. */
export function nodeCount(n: number): string {
  return n === 1 ? '1 node' : `${n} nodes`;
}

/** SwarmKit's pipeline: ready, resources, plugin, constraint, platform, host port, max replicas; then Shoal's own. */
const ORDER = ['health', 'task-ready', 'resources', 'task-constraint', 'port', 'max-replicas'];

function rank(f: Filter): number {
  const i = ORDER.indexOf(f.name);
  return i < 0 ? ORDER.length : i;
}

function words(f: Filter): (nodes: number) => string {
  return f.explainTasks ?? ((n) => `${f.name} filter rejected ${nodeCount(n)}`);
}

export function explainTaskFailure(
  filters: readonly Filter[],
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
): Decision {
  const ordered = [...filters].sort((a, b) => rank(a) - rank(b));
  const tests = ordered.map((f) => f.prepare(req));
  const failures = new Array<number>(ordered.length).fill(0);
  const rejections: Rejection[] = [];
  for (const node of nodes) {
    const i = tests.findIndex((t) => t !== undefined && !t(node));
    if (i < 0) continue;
    const f = ordered[i] as Filter;
    failures[i] = (failures[i] ?? 0) + 1;
    rejections.push({ filter: f.name, node: node.name, reason: f.explain(node, req) });
  }
  // Filters that share words share a part (health and task-ready both say "not available for new tasks").
  const parts = new Map<(nodes: number) => string, number>();
  ordered.forEach((f, i) => {
    const n = failures[i] ?? 0;
    const say = words(f);
    if (n > 0) parts.set(say, (parts.get(say) ?? 0) + n);
  });
  const explanation = [...parts]
    .sort((a, b) => b[1] - a[1])
    .map(([say, n]) => say(n))
    .join('; ');
  const message = explanation ? `no suitable node (${explanation})` : 'no suitable node';
  return { ok: false, message, rejections };
}
