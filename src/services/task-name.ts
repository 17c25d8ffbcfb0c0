// A task's name and whether it is up to date: shared by the API's views and its task filters.
import { isDirty } from './dirty.js';
import { serviceName } from './spec.js';
import type { Service, Task } from './types.js';

/**
 * A task's name, as SwarmKit makes it (`naming.Task`): `<service>.<slot>.<taskID>`, with the node ID in
 * place of the slot for a global service. Its container has this name too; the CLI shows `<service>.<slot>`.
 */
export function taskName(service: Service, task: Task): string {
  const slot = task.Slot !== 0 ? String(task.Slot) : task.NodeID;
  return `${serviceName(service.Spec)}.${slot}.${task.ID}`;
}

/**
 * `_up-to-date`: not out of date with the service's spec (SwarmKit: !IsTaskDirty). `eligible`: the nodes
 * that satisfy the service's constraints, for a task whose template differs only in Placement.
 */
export function isUpToDate(service: Service, task: Task, eligible?: ReadonlySet<string>): boolean {
  return !isDirty(service, task, eligible);
}
