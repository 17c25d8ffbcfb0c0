// Rolling updates in the simulated cluster (sim.ts): a service to update, the API's update and rollback as
// the records see them, and what the updater must keep to (the slot rules, start-first's overlap aside).
import { rolledBackService, updatedService } from '../../src/services/service-record.js';
import { containerFacts } from '../../src/services/facts.js';
import { isDirty } from '../../src/services/dirty.js';
import { containerImage } from '../../src/services/spec.js';
import { rankOf, isTerminal } from '../../src/services/task-state.js';
import type { Service, ServiceSpec, Task } from '../../src/services/types.js';
import { wakeAt } from '../../src/services/reconcile.js';
import { CLUSTER, node, service, T0 } from './fixtures.js';
import { World } from './sim.js';

export const BAD = 'busybox:bad';

/** A replicated service `web` on busybox:local with this UpdateConfig (and RollbackConfig). */
export function web(replicas: number, update?: Record<string, unknown>, rollback?: Record<string, unknown>) {
  const s = service('web', { replicas, restart: { Condition: 'any', Delay: 0 } });
  const spec: Record<string, unknown> = { ...s.Spec };
  if (update) spec['UpdateConfig'] = update;
  if (rollback) spec['RollbackConfig'] = rollback;
  return { ...s, Spec: spec };
}

/** A world of three nodes running `svc`, converged; a task of image BAD exits 1 as it starts. */
export function running(svc: Service, nodes = 3): World {
  const w = new World(
    T0,
    ['n1', 'n2', 'n3', 'n4'].slice(0, nodes).map((id) => node(id)),
    [{ service: svc }],
    [],
    [],
  );
  w.exitOnStart = (t) => (containerImage(t.Spec) === BAD ? 1 : undefined);
  quiet(w);
  return w;
}

/** Steps until a pass asks for nothing and no timer is due (or `max` passes). */
export function quiet(w: World, max = 30): number {
  for (let i = 1; i <= max; i++) {
    const at = w.now;
    const actions = w.step();
    if (actions.length === 0 && wakeAt([...w.tasks.values()], at, services(w)) === undefined) return i;
  }
  return max + 1;
}

export function services(w: World): Service[] {
  return w.services.map((d) => d.service);
}

export function current(w: World, id = 'web'): Service {
  const s = w.services.find((d) => d.service.ID === id)?.service;
  if (!s) throw new Error(`no service ${id}`);
  return s;
}

/** `POST /services/web/update` with the spec changed by `change`. */
export function update(w: World, change: (spec: ServiceSpec) => ServiceSpec, id = 'web'): Service {
  const next = updatedService(current(w, id), change(current(w, id).Spec), w.now, w.now);
  w.services = w.services.map((d) => (d.service.ID === id ? { ...d, service: next } : d));
  return next;
}

/** `?rollback=previous`. */
export function rollBack(w: World, id = 'web'): Service {
  const cur = current(w, id);
  if (!cur.PreviousSpec) throw new Error('no previous spec');
  const next = rolledBackService(cur, cur.PreviousSpec, w.now, w.now);
  w.services = w.services.map((d) => (d.service.ID === id ? { ...d, service: next } : d));
  return next;
}

/** The spec with another image. */
export function image(name: string): (spec: ServiceSpec) => ServiceSpec {
  return (spec) => {
    const t = spec['TaskTemplate'] as Record<string, unknown>;
    const cs = t['ContainerSpec'] as Record<string, unknown>;
    return { ...spec, TaskTemplate: { ...t, ContainerSpec: { ...cs, Image: name } } };
  };
}

/** Tasks meant to run and running, per slot key, and whether they are out of date. */
export function runningBySlot(w: World, svc = current(w)): Map<string, { task: Task; dirty: boolean }[]> {
  const out = new Map<string, { task: Task; dirty: boolean }[]>();
  for (const c of w.containers.values()) {
    const f = containerFacts(c, CLUSTER);
    const t = f && w.up(c.nodeId) && f.running ? w.tasks.get(f.taskId) : undefined;
    if (!t || t.ServiceID !== svc.ID) continue;
    const key = t.Slot !== 0 ? `slot ${t.Slot}` : `node ${t.NodeID}`;
    out.set(key, [...(out.get(key) ?? []), { task: t, dirty: isDirty(svc, t) }]);
  }
  return out;
}

/**
 * The slot rules during an update: at most one running container per slot, except start-first's overlap
 * (an old task beside its successor: never two up to date); at most one up-to-date task meant to run per
 * slot. (When the spec changes under an overlap, both may be out of date until the next pass.)
 */
export function updateSafety(w: World, startFirst: boolean): string[] {
  const out: string[] = [];
  for (const [key, list] of runningBySlot(w)) {
    const overlap = list.length === 2 && list.filter((x) => !x.dirty).length <= 1;
    if (list.length > 1 && !(startFirst && overlap)) out.push(`${list.length} running in ${key}`);
  }
  const svc = current(w);
  const meant = new Map<string, number>();
  for (const t of w.tasks.values()) {
    if (t.ServiceID !== svc.ID || rankOf(t.DesiredState) > rankOf('running') || isTerminal(t.Status.State))
      continue;
    if (isDirty(svc, t)) continue;
    const key = `${t.Slot}/${t.Slot === 0 ? t.NodeID : ''}`;
    meant.set(key, (meant.get(key) ?? 0) + 1);
  }
  for (const [k, n] of meant) if (n > 1) out.push(`${n} up-to-date tasks meant to run in ${k}`);
  return out;
}

/** Running up-to-date tasks of the service, and running ones in all. */
export function counts(w: World): { fresh: number; all: number } {
  let fresh = 0;
  let all = 0;
  for (const list of runningBySlot(w).values())
    for (const x of list) {
      all++;
      if (!x.dirty && x.task.DesiredState === 'running') fresh++;
    }
  return { fresh, all };
}
