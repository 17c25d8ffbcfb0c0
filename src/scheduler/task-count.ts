// How many tasks of each service a node holds: counted once per node snapshot (snapshots are immutable and
// reused across decisions until their engine changes), so spreading 1,000 tasks stays one lookup a node.
import type { NodeSnapshot } from './types.js';

/** The label every task container of a service carries, as in swarm mode. */
export const SERVICE_ID_LABEL = 'com.docker.swarm.service.id';

/** A task that has ended no longer counts: SwarmKit counts tasks not yet past running. */
const ENDED = new Set(['exited', 'dead']);

const counts = new WeakMap<NodeSnapshot, Map<string, number>>();

function countsOf(node: NodeSnapshot): Map<string, number> {
  let m = counts.get(node);
  if (m) return m;
  m = new Map<string, number>();
  for (const c of node.containers) {
    const id = c.labels[SERVICE_ID_LABEL];
    if (id === undefined || ENDED.has(c.state)) continue;
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  counts.set(node, m);
  return m;
}

/** The service's tasks on the node that have not ended (being created included). */
export function serviceTasksOn(node: NodeSnapshot, serviceId: string): number {
  return countsOf(node).get(serviceId) ?? 0;
}
