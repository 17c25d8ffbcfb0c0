// The rolling updater, one pass at a time (SwarmKit's orchestrator/update/updater.go, without its goroutines):
// out-of-date slots are replaced in order, Parallelism at a time, each worker resting Delay after its slot;
// stop-first shuts the old task down as it makes the new one, start-first lets the old one go once the new
// one runs. Its progress is read from the tasks (ByUpdate, RunningAt) and the service record (Rollout), so a
// new leader picks it up where it was.
import type { Freshness } from './dirty.js';
import { isActive, isLive, type Pass, type TaskView } from './pass.js';
import { nodeLoss, outgoingOf, pickKeeper } from './slot.js';
import { isTerminal } from './task-state.js';
import type { Rollout, Service, Task, UpdateStatus } from './types.js';
import { finalMonitorMs, updateConfig, type UpdateConfig } from './update-config.js';
import { completedStatus, failureOutcome, failures, startedStatus, tippingFailure } from './update-status.js';

/** One slot the updater may work on (a replicated slot that stays, a global service's active node). */
export interface UpdateSlot {
  /** 1.. for replicated, 0 for global. */
  slot: number;
  /** Global: the node. */
  nodeId?: string;
  group: readonly TaskView[];
}

type Write = { status?: UpdateStatus; rollout?: Rollout | null; rollback?: true };

/** The updater's step for one service; before settle, which then sees what it decided. */
export function rollout(pass: Pass, service: Service, slots: readonly UpdateSlot[], fresh: Freshness): void {
  for (const s of slots) handOver(pass, s.group, fresh);
  let status = service.UpdateStatus;
  if (status?.State === 'paused' || status?.State === 'rollback_paused') return;
  const config = updateConfig(service.Spec, status?.State === 'rollback_started');
  const dirty = slots.filter((s) => isDirtySlot(s.group, fresh));
  const write: Write = {};
  if (!status) {
    // Nothing out of date: nothing to report either (a scale, a label change).
    if (dirty.length === 0) return;
    status = write.status = startedStatus(pass.now);
  }
  const mine = ownTasks(slots, service);
  const going = status.State === 'updating' || status.State === 'rollback_started';
  let record = service.Rollout;
  if (going && (!record || write.status)) record = write.rollout = newRecord(dirty.length, pass.now);
  if (going && record && config.failureAction !== 'continue') {
    const step = countFailures(pass, service, status, record, mine, config);
    if ('stop' in step) return void emit(pass, service, step.stop);
    if (step.record !== record) record = write.rollout = step.record;
  }
  take(pass, service, dirty, mine, config, fresh);
  if (going && record)
    finish(pass, status, record, config, dirty.length === 0 && idle(mine, pass.now, config), write);
  if (write.status || write.rollout !== undefined) emit(pass, service, write);
}

function newRecord(dirty: number, now: number): Rollout {
  return { dirty, failed: [], since: now };
}

/**
 * The failures of the update's tasks made since it began. Over the ratio: the FailureAction to write, and
 * nothing more this pass. Under it: the record with the new ones kept.
 */
function countFailures(
  pass: Pass,
  service: Service,
  status: UpdateStatus,
  record: Rollout,
  mine: readonly TaskView[],
  config: UpdateConfig,
): { stop: Write } | { record: Rollout } {
  const { since, doneAt } = record;
  // A task's end counts against the window in force when it ended (the final period has its own).
  const window = (at: number) =>
    doneAt !== undefined && at >= doneAt ? finalMonitorMs(config) : config.monitorMs;
  const ours = mine.filter((v) => (Date.parse(v.task.CreatedAt) || 0) >= since);
  const seen = failures(ours, record, pass.now, window);
  const tip = tippingFailure(seen.counted, seen.fresh, record.dirty, config.maxFailureRatio);
  if (tip !== undefined) {
    const out = failureOutcome(status, config.failureAction, tip, service.PreviousSpec !== undefined);
    return { stop: { status: out.status, rollout: null, ...(out.rollback ? { rollback: true } : {}) } };
  }
  if (seen.fresh.length === 0) return { record };
  return { record: { ...record, failed: [...seen.counted, ...seen.fresh] } };
}

/**
 * Every slot done and every worker rested: the update completes one monitoring period later (at once if
 * nothing was out of date when it began), unless a failure comes first.
 */
function finish(
  pass: Pass,
  status: UpdateStatus,
  record: Rollout,
  config: UpdateConfig,
  done: boolean,
  write: Write,
): void {
  if (!done) {
    if (record.doneAt !== undefined) write.rollout = { ...record, doneAt: undefined };
    return;
  }
  const doneAt = record.doneAt ?? pass.now;
  if (record.dirty === 0 || pass.now >= doneAt + finalMonitorMs(config)) {
    write.status = completedStatus(status, pass.now);
    write.rollout = null;
  } else if (record.doneAt === undefined) {
    write.rollout = { ...record, doneAt };
  }
}

function emit(pass: Pass, service: Service, w: Write): void {
  const reason = w.status ? `update ${w.status.State}` : 'update progress';
  pass.updateService({ serviceId: service.ID, version: service.Version.Index, ...w, reason });
}

/** A start-first slot whose new task runs: the old tasks go, gracefully. */
function handOver(pass: Pass, group: readonly TaskView[], fresh: Freshness): void {
  const outgoing = outgoingOf(group, fresh);
  if (outgoing.size === 0) return;
  const keeper = pickKeeper(group, outgoing);
  if (!keeper || keeper.state !== 'running' || !isLive(keeper)) return;
  for (const v of outgoing) pass.shutdown(v, 'shutdown', `replaced by ${keeper.task.ID}`, true);
}

/**
 * A task meant to run in it is out of date. (SwarmKit also counts a slot with two tasks meant to run; here
 * two up-to-date copies are settle's to sort out, not an update.)
 */
function isDirtySlot(group: readonly TaskView[], fresh: Freshness): boolean {
  return group.some((v) => !v.removed && isActive(v.desired) && fresh.dirty(v.task));
}

/** The tasks the updater made for the current spec version. */
function ownTasks(slots: readonly UpdateSlot[], service: Service): TaskView[] {
  const out: TaskView[] = [];
  for (const s of slots)
    for (const v of s.group)
      if (!v.removed && v.task.ByUpdate && v.task.SpecVersion === service.SpecVersion) out.push(v);
  return out;
}

/** When the worker of an update's task was done with it: once it ran, or ended, or was let go. */
function doneAt(v: TaskView, now: number): number | undefined {
  if (v.state === 'running') return v.task.RunningAt ?? now;
  if (v.task.RunningAt !== undefined) return v.task.RunningAt;
  if (!isTerminal(v.state) && isActive(v.desired)) return undefined;
  return v.state === v.task.Status.State ? Date.parse(v.task.Status.Timestamp) || now : now;
}

/** Workers busy: on a slot, or resting Delay after one. */
function busyWorkers(mine: readonly TaskView[], now: number, delayMs: number): number {
  let busy = 0;
  for (const v of mine) {
    const done = doneAt(v, now);
    if (done === undefined || done + delayMs > now) busy++;
  }
  return busy;
}

function idle(mine: readonly TaskView[], now: number, config: UpdateConfig): boolean {
  return busyWorkers(mine, now, config.delayMs) === 0;
}

/**
 * Takes out-of-date slots while workers are free, in slot order. Slots whose task a restart or a move is
 * about to replace (settle does it, from the current spec) and slots under way are left alone.
 */
function take(
  pass: Pass,
  service: Service,
  dirty: readonly UpdateSlot[],
  mine: readonly TaskView[],
  config: UpdateConfig,
  fresh: Freshness,
): void {
  const underWay = new Set(mine.filter((v) => doneAt(v, pass.now) === undefined).map((v) => v.group));
  const todo = dirty.filter((s) => !underWay.has(s.group) && !replacedBySettle(s.group, fresh));
  const free =
    config.parallelism === 0 ? todo.length : config.parallelism - busyWorkers(mine, pass.now, config.delayMs);
  const now = todo.slice(0, Math.max(0, free));
  for (const s of now) updateSlot(pass, service, s, config, fresh);
}

function replacedBySettle(group: readonly TaskView[], fresh: Freshness): boolean {
  const keeper = pickKeeper(group, outgoingOf(group, fresh));
  return keeper !== undefined && (isTerminal(keeper.state) || nodeLoss(keeper) !== undefined);
}

/** One slot: keep an up-to-date task if it has one (SwarmKit's useExistingTask), else make one. */
function updateSlot(pass: Pass, service: Service, s: UpdateSlot, c: UpdateConfig, fresh: Freshness): void {
  const active = s.group.filter((v) => !v.removed && isActive(v.desired));
  const clean = active.filter((v) => !fresh.dirty(v.task));
  const keep = clean.find((v) => v.desired === 'running') ?? clean[0];
  if (keep) {
    for (const v of active) if (v !== keep) pass.shutdown(v, 'shutdown', `${keep.task.ID} is up to date`);
    return;
  }
  const old = pickKeeper(s.group);
  const base = {
    serviceId: service.ID,
    slot: s.slot,
    ...(s.nodeId === undefined ? {} : { nodeId: s.nodeId }),
    specVersion: service.SpecVersion,
    byUpdate: true as const,
  };
  if (c.startFirst || !old) {
    // One old task runs on until the new one does; any other copy (a cancelled update's) goes now.
    for (const v of active) if (v !== old) pass.shutdown(v, 'shutdown', 'rolling update');
    pass.create({ ...base, desiredState: 'running', reason: 'rolling update (start-first)' });
    return;
  }
  for (const v of active) pass.shutdown(v, 'shutdown', 'rolling update');
  // Stop-first: the new task waits (desired ready) until the old one has stopped.
  const wait = s.group.some(isLive);
  pass.create({
    ...base,
    desiredState: wait ? 'ready' : 'running',
    replaces: old.task.ID,
    reason: `rolling update of ${old.task.ID}`,
  });
}

/**
 * When a service's update has its next step with nothing else changing: a worker has rested its Delay, or
 * the final monitoring period is over. The loop sets a timer for it (wakeAt).
 */
export function updateWakeAt(service: Service, tasks: readonly Task[], now: number): number | undefined {
  const state = service.UpdateStatus?.State;
  if (state !== 'updating' && state !== 'rollback_started') return undefined;
  const config = updateConfig(service.Spec, state === 'rollback_started');
  const times: number[] = [];
  const doneAtMs = service.Rollout?.doneAt;
  if (doneAtMs !== undefined) times.push(doneAtMs + finalMonitorMs(config));
  if (config.delayMs > 0) {
    for (const t of tasks) {
      if (t.ServiceID !== service.ID || !t.ByUpdate || t.SpecVersion !== service.SpecVersion) continue;
      const ended = isTerminal(t.Status.State) || !isActive(t.DesiredState);
      const done = t.RunningAt ?? (ended ? Date.parse(t.Status.Timestamp) || undefined : undefined);
      if (done !== undefined) times.push(done + config.delayMs);
    }
  }
  const future = times.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
}
