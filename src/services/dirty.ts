// Whether a task is out of date with its service (SwarmKit's IsTaskDirty, orchestrator/task.go): what the
// rolling updater replaces, and what `_up-to-date` hides. A new SpecVersion alone does not make a task
// dirty: only a different task template or endpoint does, and a Placement change not while its node fits.
import { sameJson } from './same-json.js';
import { portsChanged } from './endpoint.js';
import { taskTemplate } from './spec.js';
import type { Service, Task } from './types.js';

/**
 * True when `task` was made from another task template (or EndpointSpec) than `service` now has.
 * `eligible`: the nodes that satisfy the service's constraints (absent: every node).
 */
export function isDirty(service: Service, task: Task, eligible?: ReadonlySet<string>): boolean {
  if (task.SpecVersion === service.SpecVersion) return false;
  // A task made before tasks kept their endpoint has nothing to compare (SwarmKit: a nil Endpoint).
  // Only what the task's container binds (endpoint.ts): a published port moved on the same target port is
  // the ingress's business, not the container's.
  if (task.EndpointSpec && portsChanged({ EndpointSpec: task.EndpointSpec }, service.Spec)) return true;
  const template = taskTemplate(service.Spec);
  if (sameJson(template, task.Spec)) return false;
  const fits = task.NodeID !== '' && (!eligible || eligible.has(task.NodeID));
  return !(fits && sameJson({ ...template, Placement: task.Spec['Placement'] }, task.Spec));
}

/** A service's out-of-date test for one pass, each task answered once. */
export class Freshness {
  private readonly memo = new Map<string, boolean>();

  constructor(
    readonly service: Service,
    private readonly eligible: ReadonlySet<string> | undefined,
  ) {}

  dirty(task: Task): boolean {
    let d = this.memo.get(task.ID);
    if (d === undefined) this.memo.set(task.ID, (d = isDirty(this.service, task, this.eligible)));
    return d;
  }
}
