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
  // A copy that comes back with its node while its successor runs goes at once; otherwise it stops gently
  // (as a start-first update's old task does, its successor running).
  const fenced =
    !v.handover && (v.group?.some((o) => o !== v && o.desired === 'running' && isLive(o)) ?? false);
  if (fenced) pass.removeContainer(v.task.ServiceID, v.task.ID, f, 'another task of its slot is running');
  else pass.stopContainer(v, f, 'task shut down');
}

/**
 * The containers handed in, by task. A task takes the one on its node that names its service; the others
 * that name it are stale copies (a create that seemed to fail but did not), or, if they name another
 * service, left alone: their labels are not to be trusted. A container no task claims has lost its task.
 */
export class TaskContainers {
  private readonly byTask = new Map<string, ContainerFacts | ContainerFacts[]>();
  private readonly claimed = new Set<string>();
  private readonly stale: { f: ContainerFacts; task: Task }[] = [];

  constructor(private readonly all: readonly ContainerFacts[]) {
    for (const f of all) {
      const had = this.byTask.get(f.taskId);
      if (!had) this.byTask.set(f.taskId, f);
      else this.byTask.set(f.taskId, Array.isArray(had) ? [...had, f] : [had, f]);
    }
  }

  /** The task's container, if any; `touch` false for a task that must be left alone (copies included). */
  claim(task: Task, touch = true): ContainerFacts | undefined {
    const had = this.byTask.get(task.ID);
    if (!had) return undefined;
    this.claimed.add(task.ID);
    const mine = (f: ContainerFacts) => f.serviceId === task.ServiceID && f.nodeId === task.NodeID;
    if (!Array.isArray(had)) {
      if (mine(had)) return had;
      if (touch && had.serviceId === task.ServiceID) this.stale.push({ f: had, task });
      return undefined;
    }
    const own = had.find(mine);
    for (const f of had)
      if (touch && f !== own && f.serviceId === task.ServiceID) this.stale.push({ f, task });
    return own;
  }

  /** removeContainer for stale copies and for containers whose task is gone. */
  removeStrays(pass: Pass): void {
    for (const { f, task } of this.stale) {
      pass.removeContainer(
        f.serviceId,
        f.taskId,
        f,
        `stale copy; the task is on ${task.NodeID || 'no node'}`,
      );
    }
    for (const f of this.all) {
      if (!this.claimed.has(f.taskId)) pass.removeContainer(f.serviceId, f.taskId, f, 'its task is gone');
    }
  }
}
