// reconcile(desired, observed, now) → actions: pure and deterministic, no I/O, no clock, no randomness.
// The services loop calls it after every change (and on a timer) and carries the actions out.
import type { Action } from './actions.js';
import { containerActions, TaskContainers } from './containers.js';
import { Freshness } from './dirty.js';
import { reconcileGlobal } from './global.js';
import { Pass, type Limits, type TaskView } from './pass.js';
import { reconcileReplicated } from './replicated.js';
import { serviceMode, type ServiceMode } from './spec.js';
import { rankOf } from './task-state.js';
import type { Desired, Observed, ReconcileOptions, Service, Task } from './types.js';
import { updateWakeAt } from './updater.js';

export const DEFAULT_LIMITS: Limits = {
  historyLimit: 5,
  orphanAfterMs: 24 * 3600_000,
  goneGraceMs: 10_000,
  prepareTimeoutMs: 10 * 60_000,
};

/**
 * What to do so that `observed` becomes `desired`. Every service of the store must be in `desired`: the
 * tasks of one that is not are shut down and removed. Idempotent: while the actions are being carried out,
 * the same input gives the same actions again (the loop skips work already in flight for a task).
 */
export function reconcile(
  desired: Desired,
  observed: Observed,
  now: number,
  options: ReconcileOptions = {},
): Action[] {
  const pass = new Pass(now, limitsOf(options), new Map(desired.nodes.map((n) => [n.id, n])));
  const modes = new Map<string, ServiceMode>(
    desired.services.map((d) => [d.service.ID, serviceMode(d.service.Spec)]),
  );
  const containers = new TaskContainers(observed.containers);
  const views = new Map<string, TaskView[]>();
  for (const task of observed.tasks) {
    if (modes.get(task.ServiceID)?.kind === 'unsupported') {
      containers.claim(task, false);
      continue;
    }
    const v = pass.view(task, containers.claim(task));
    const list = views.get(task.ServiceID);
    if (list) list.push(v);
    else views.set(task.ServiceID, [v]);
  }
  for (const d of desired.services) {
    const mode = modes.get(d.service.ID);
    const own = views.get(d.service.ID) ?? [];
    const fresh = new Freshness(d.service, d.eligibleNodes);
    if (mode?.kind === 'replicated') reconcileReplicated(pass, d.service, own, mode.replicas, fresh);
    else if (mode?.kind === 'global') reconcileGlobal(pass, d.service, own, d.eligibleNodes, fresh);
  }
  for (const [serviceId, list] of views) {
    if (!modes.has(serviceId)) for (const v of list) pass.retire(v, 'service removed');
  }
  for (const list of views.values()) {
    for (const v of list) {
      // Tasks on their way out (desired `remove`) go once their container has stopped.
      if (v.desired === 'remove') pass.retire(v, 'removed');
      containerActions(pass, v);
    }
  }
  containers.removeStrays(pass);
  return pass.actions();
}

/** The options over the defaults; an option given as undefined (or not a number) keeps its default. */
function limitsOf(options: ReconcileOptions): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(limits) as (keyof Limits)[]) {
    const v = options[key];
    if (typeof v === 'number' && !Number.isNaN(v)) limits[key] = v;
  }
  return limits;
}

/**
 * When a pass will have something to do with nothing else changing: the earliest restart delay still
 * running (NotBefore of a task waiting to start), or a rolling update's next step (a worker's Delay over,
 * its final monitoring period over). The loop sets a timer for it; undefined: none.
 */
export function wakeAt(
  tasks: readonly Task[],
  now: number,
  services: readonly Service[] = [],
): number | undefined {
  let at: number | undefined;
  const soonest = (due: number | undefined) => {
    if (due !== undefined && due > now && (at === undefined || due < at)) at = due;
  };
  for (const t of tasks) {
    if (rankOf(t.DesiredState) < rankOf('running')) soonest(t.NotBefore);
  }
  for (const s of services) soonest(updateWakeAt(s, tasks, now));
  return at;
}
