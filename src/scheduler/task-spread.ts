// Where among the nodes that can take a service's task SwarmKit would put it, before the strategy chooses:
// spread preferences level by level, then the nodes holding the fewest of the service's tasks.
import { descriptorOf } from './node-constraint.js';
import { serviceTasksOn } from './task-count.js';
import type { NodeSnapshot, TaskPlacement } from './types.js';

type Reader = (node: NodeSnapshot) => string;

/**
 * A node whose tasks stay: SwarmKit no longer counts the tasks of a drained or down node (the orchestrator
 * shuts them down), so their replacements are spread as if they were gone.
 */
function holdsTasks(node: NodeSnapshot): boolean {
  return node.availability !== 'drain' && node.healthIndicator > 0;
}

/** The group a node is in at this depth: its values for the first `depth` descriptors. */
function pathOf(node: NodeSnapshot, readers: readonly Reader[], depth: number): string {
  let path = '';
  for (let i = 0; i < depth; i++) path += `${(readers[i] as Reader)(node)}\u0000`;
  return path;
}

/**
 * Spread preferences, greedily, one task at a time: at each level the candidates are grouped by their value
 * (nodes without it together, under ""), and only the group(s) holding the fewest tasks of the service,
 * counted over every node of the group (candidate or not), stay. SwarmKit splits a batch of tasks over the
 * groups at once; placed one after another, this ends with the same even counts.
 */
function spreadOver(
  candidates: readonly NodeSnapshot[],
  all: readonly NodeSnapshot[],
  serviceId: string,
  readers: readonly Reader[],
): readonly NodeSnapshot[] {
  let kept = candidates;
  for (let depth = 1; depth <= readers.length; depth++) {
    // Only groups with a candidate compete; each path includes the levels above, so a group is compared
    // with its siblings inside the group(s) kept one level up.
    const tasks = new Map<string, number>();
    for (const node of kept) tasks.set(pathOf(node, readers, depth), 0);
    for (const node of all) {
      if (!holdsTasks(node)) continue;
      const path = pathOf(node, readers, depth);
      const n = tasks.get(path);
      if (n !== undefined) tasks.set(path, n + serviceTasksOn(node, serviceId));
    }
    if (tasks.size < 2) continue;
    const fewest = Math.min(...tasks.values());
    kept = kept.filter((node) => tasks.get(pathOf(node, readers, depth)) === fewest);
  }
  return kept;
}

/** SwarmKit's default: the nodes with the fewest tasks of this service. */
function fewestTasks(nodes: readonly NodeSnapshot[], serviceId: string): readonly NodeSnapshot[] {
  let min = Infinity;
  let atMin = 0;
  for (const node of nodes) {
    const n = serviceTasksOn(node, serviceId);
    if (n < min) {
      min = n;
      atMin = 1;
    } else if (n === min) atMin++;
  }
  if (atMin === nodes.length) return nodes;
  return nodes.filter((node) => serviceTasksOn(node, serviceId) === min);
}

/**
 * The candidates the strategy chooses among for a task. `packing` (the binpack strategy) skips the
 * fewest-tasks step, so tasks fill a node before the next; spread preferences still apply.
 */
export function taskCandidates(
  candidates: readonly NodeSnapshot[],
  all: readonly NodeSnapshot[],
  task: TaskPlacement,
  packing: boolean,
): readonly NodeSnapshot[] {
  const readers = task.spread.flatMap((d) => descriptorOf(d) ?? []);
  const spread = readers.length > 0 ? spreadOver(candidates, all, task.serviceId, readers) : candidates;
  return packing ? spread : fewestTasks(spread, task.serviceId);
}
