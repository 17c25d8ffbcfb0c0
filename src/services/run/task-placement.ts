// What placement needs to know about a task: its service's constraints, spread preferences and per-node
// limit (from the template the task was made from), and the nodes reconcile says it must avoid.
import { parseNodeConstraints, type NodeConstraint } from '../../scheduler/node-constraint.js';
import type { TaskPlacement } from '../../scheduler/types.js';
import type { PlaceTask } from '../actions.js';
import { isObj, placement } from '../spec.js';
import type { Task } from '../types.js';

export function taskPlacement(task: Task, action: PlaceTask): TaskPlacement {
  const p = placement(task.Spec);
  let constraints: NodeConstraint[];
  try {
    constraints = parseNodeConstraints(p.constraints);
  } catch {
    // Checked when the service was made; a stored spec that no longer parses constrains nothing (SwarmKit).
    constraints = [];
  }
  // A global task belongs to one node.
  if (action.nodeId) constraints = [...constraints, ...parseNodeConstraints([`node.id==${action.nodeId}`])];
  return {
    serviceId: task.ServiceID,
    constraints,
    spread: spreadDescriptors(p.preferences),
    maxReplicas: p.maxReplicas,
    avoid: new Set(action.avoid),
  };
}

/** `[{Spread: {SpreadDescriptor: "node.labels.zone"}}]` → `["node.labels.zone"]`. */
export function spreadDescriptors(preferences: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const p of preferences) {
    const spread = isObj(p) ? p['Spread'] : undefined;
    const d = isObj(spread) ? spread['SpreadDescriptor'] : undefined;
    if (typeof d === 'string' && d !== '') out.push(d);
  }
  return out;
}
