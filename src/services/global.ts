// A global service: one task on every eligible node that is ready and active. A drained, down, departed
// or no-longer-eligible node loses its tasks (they are not moved); a paused node keeps what it has.
import type { Freshness } from './dirty.js';
import type { Pass, TaskView } from './pass.js';
import { isLive } from './pass.js';
import { groupBy, isOccupied, settle, trim } from './slot.js';
import type { NodeInfo, Service } from './types.js';
import { rollout, type UpdateSlot } from './updater.js';

type Role = { kind: 'target' } | { kind: 'frozen' } | { kind: 'none'; reason: string };

function roleOf(node: NodeInfo | undefined, eligible: ReadonlySet<string> | undefined): Role {
  if (!node) return { kind: 'none', reason: 'node left the cluster' };
  if (eligible && !eligible.has(node.id))
    return { kind: 'none', reason: 'node no longer satisfies the constraints' };
  if (node.state === 'down') return { kind: 'none', reason: 'node down' };
  if (node.availability === 'drain') return { kind: 'none', reason: 'node drained' };
  return node.availability === 'pause' ? { kind: 'frozen' } : { kind: 'target' };
}

export function reconcileGlobal(
  pass: Pass,
  service: Service,
  views: TaskView[],
  eligible: ReadonlySet<string> | undefined,
  fresh: Freshness,
): void {
  const valid: TaskView[] = [];
  for (const v of views) {
    if (v.task.NodeID !== '' && v.task.Slot === 0) valid.push(v);
    else pass.retire(v, 'not a task of a global service');
  }
  const byNode = groupBy(valid, (v) => v.task.NodeID);
  const occupied = new Set([...byNode].filter(([, g]) => isOccupied(pass, service, g)).map(([id]) => id));
  const roles = new Map([...byNode.keys()].map((id) => [id, roleOf(pass.nodes.get(id), eligible)]));
  // The rolling update works node by node, on the nodes that take work (SwarmKit: not on paused ones).
  const targets: UpdateSlot[] = [...byNode]
    .filter(([id]) => roles.get(id)?.kind === 'target')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([nodeId, group]) => ({ slot: 0, nodeId, group }));
  rollout(pass, service, targets, fresh);
  for (const [nodeId, group] of byNode) {
    const role: Role = roles.get(nodeId) ?? { kind: 'none', reason: 'node left the cluster' };
    if (role.kind === 'none') {
      // Its history goes too, so that the node starts afresh if it comes back.
      for (const v of group) pass.retire(v, role.reason);
      continue;
    }
    const frozen = role.kind === 'frozen';
    settle(pass, service, group, { slot: 0, nodeId, moveOnNodeLoss: false, frozen }, fresh);
    trim(pass, group);
  }
  for (const node of pass.nodes.values()) {
    if (occupied.has(node.id) || roleOf(node, eligible).kind !== 'target') continue;
    const busy = byNode.get(node.id)?.some(isLive) ?? false;
    pass.create({
      serviceId: service.ID,
      slot: 0,
      nodeId: node.id,
      specVersion: service.SpecVersion,
      desiredState: busy ? 'ready' : 'running',
      reason: `node ${node.id} has no task`,
    });
  }
}
