// The updater's UpdateStatus values, with SwarmKit's texts (orchestrator/update/updater.go), and the failure
// rule: a task of the update that ends before running, or within Monitor of running, is a failure, and too
// many of them (over MaxFailureRatio of the slots that were out of date) set off the FailureAction.
import { isTerminal } from './task-state.js';
import type { TaskView } from './pass.js';
import type { UpdateConfig } from './update-config.js';
import type { Rollout, UpdateStatus } from './types.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function startedStatus(now: number): UpdateStatus {
  return { State: 'updating', StartedAt: iso(now), Message: 'update in progress' };
}

export function completedStatus(cur: UpdateStatus, now: number): UpdateStatus {
  const back = cur.State === 'rollback_started';
  return {
    State: back ? 'rollback_completed' : 'completed',
    ...(cur.StartedAt === undefined ? {} : { StartedAt: cur.StartedAt }),
    CompletedAt: iso(now),
    Message: back ? 'rollback completed' : 'update completed',
  };
}

/** What a failure over the ratio does: the new status, and whether the spec rolls back. */
export function failureOutcome(
  cur: UpdateStatus,
  action: UpdateConfig['failureAction'],
  taskId: string,
  canRollBack: boolean,
): { status: UpdateStatus; rollback: boolean } {
  const started = cur.StartedAt === undefined ? {} : { StartedAt: cur.StartedAt };
  const back = cur.State === 'rollback_started';
  if (action === 'rollback' && back) {
    // A rollback is never rolled back.
    const Message = `rollback paused due to failure or early termination of task ${taskId}`;
    return { status: { State: 'rollback_paused', ...started, Message }, rollback: false };
  }
  if (action === 'rollback' && canRollBack) {
    const Message = `update rolled back due to failure or early termination of task ${taskId}`;
    return { status: { State: 'rollback_started', ...started, Message }, rollback: true };
  }
  const Message = `update paused due to failure or early termination of task ${taskId}`;
  return { status: { State: back ? 'rollback_paused' : 'paused', ...started, Message }, rollback: false };
}

/**
 * The update's failures: those already counted, then those seen now, in the order they ended. `windowAt`:
 * how long after running an end at that time still counts (the final monitoring period has its own).
 * Tasks stopped on purpose (shutdown) do not count.
 */
export function failures(
  mine: readonly TaskView[],
  rollout: Rollout,
  now: number,
  windowAt: (at: number) => number,
): { counted: string[]; fresh: string[] } {
  const counted = new Set(rollout.failed);
  const fresh: { id: string; at: number }[] = [];
  for (const v of mine) {
    if (counted.has(v.task.ID) || !isTerminal(v.state) || v.state === 'shutdown' || v.state === 'remove')
      continue;
    // Ended in this pass: now; else when its status last changed.
    const at = v.state === v.task.Status.State ? Date.parse(v.task.Status.Timestamp) || now : now;
    const ran = v.task.RunningAt;
    if (ran === undefined || at - ran <= windowAt(at)) fresh.push({ id: v.task.ID, at });
  }
  fresh.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return { counted: rollout.failed, fresh: fresh.map((f) => f.id) };
}

/** The failure that takes the count over the ratio, if one does. */
export function tippingFailure(
  counted: readonly string[],
  fresh: readonly string[],
  dirtySlots: number,
  maxRatio: number,
): string | undefined {
  if (dirtySlots === 0) return undefined;
  let total = counted.length;
  for (const id of fresh) {
    total++;
    if (total / dirtySlots > maxRatio) return id;
  }
  return undefined;
}
