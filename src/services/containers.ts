// Engine work that follows from the decisions of a pass: start what is meant to run, stop what is not,
// and remove what nothing owns any more. Only containers handed in as ContainerFacts are ever named.
import { isActive, isLive, type Pass, type TaskView } from './pass.js';
import { isTerminal } from './task-state.js';
import type { ContainerFacts, Task } from './types.js';

/** The container actions of one task, from its desired state after the pass. */
export function containerActions(pass: Pass, v: TaskView): void {
  const f = v.facts;
  if (!f || v.removed || !v.nodeUp) return;
  if (isActive(v.desired)) {
    if (v.desired === 'running') {
      if (!f.running && !f.started && !f.error && !isTerminal(v.state)) pass.startContainer(v, f);
    } else if (f.running) {
      pass.stopContainer(v, f, 'started before its turn');
    }
    return;
  }
  if (!f.running) return;
  // A copy that comes back with its node while its successor runs goes at once; otherwise it stops gently.
  const fenced = v.group?.some((o) => o !== v && o.desired === 'running' && isLive(o)) ?? false;
  if (fenced) pass.removeContainer(v.task.ServiceID, v.task.ID, f, 'another task of its slot is running');
  else pass.stopContainer(v, f, 'task shut down');
}

/**
 * Containers no task accounts for: one whose task is gone from the store, and a stale copy of a task on
 * another node than the task's (a create that seemed to fail but did not). A container whose labels name
 * a task of another service is left alone: its labels are not to be trusted.
 */
export function strayContainers(
  pass: Pass,
  containers: readonly ContainerFacts[],
  tasks: ReadonlyMap<string, Task>,
  untouchable: ReadonlySet<string>,
): void {
  for (const f of containers) {
    const task = tasks.get(f.taskId);
    if (!task) {
      pass.removeContainer(f.serviceId, f.taskId, f, 'its task is gone');
    } else if (task.ServiceID === f.serviceId && task.NodeID !== f.nodeId && !untouchable.has(task.ID)) {
      pass.removeContainer(
        f.serviceId,
        f.taskId,
        f,
        `stale copy; the task is on ${task.NodeID || 'no node'}`,
      );
    }
  }
}
