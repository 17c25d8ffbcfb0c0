// Service records as the API and the updater write them: a new service, an update (the spec replaced, the
// previous one kept), a rollback to the previous spec, and the updater's own changes (UpdateStatus).
import type { UpdateService } from './actions.js';
import { sameJson } from './same-json.js';
import { endpointSpec, taskTemplate } from './spec.js';
import type { Service, ServiceSpec, UpdateStatus } from './types.js';

/** A new service from a create request; `id` and `index` come from the caller (random ID, store index). */
export function newService(spec: ServiceSpec, id: string, now: number, index: number): Service {
  const at = new Date(now).toISOString();
  return {
    ID: id,
    Version: { Index: index },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: structuredClone(spec),
    SpecVersion: 1,
  };
}

/**
 * The service with `spec` in place of its own. The old spec becomes PreviousSpec and UpdateStatus is
 * cleared (the engine does both on every update), which also ends the update under way; a scale or a label
 * change keeps the tasks up to date, a changed task template (ForceUpdate included) or endpoint does not.
 */
export function updatedService(cur: Service, spec: ServiceSpec, now: number, index: number): Service {
  const { UpdateStatus: _cleared, Rollout: _over, ...rest } = cur;
  return {
    ...rest,
    Version: { Index: index },
    UpdatedAt: new Date(now).toISOString(),
    Spec: structuredClone(spec),
    PreviousSpec: cur.Spec,
    SpecVersion: nextSpecVersion(cur, spec),
  };
}

/**
 * `?rollback=previous` (SwarmKit's controlapi): Spec and PreviousSpec swap, and the rollback starts as
 * "manually requested rollback". The caller checks that there is a PreviousSpec.
 */
export function rolledBackService(cur: Service, previous: ServiceSpec, now: number, index: number): Service {
  const { Rollout: _over, ...rest } = cur;
  const at = new Date(now).toISOString();
  return {
    ...rest,
    Version: { Index: index },
    UpdatedAt: at,
    Spec: previous,
    PreviousSpec: cur.Spec,
    SpecVersion: nextSpecVersion(cur, previous),
    UpdateStatus: { State: 'rollback_started', StartedAt: at, Message: 'manually requested rollback' },
  };
}

/**
 * The service with the updater's action applied; the same service when the action is stale (the service
 * changed since the pass read it) or would roll back without a previous spec.
 */
export function withUpdate(cur: Service, a: UpdateService, now: number, index: number): Service {
  if (cur.Version.Index !== a.version) return cur;
  let next: Service = { ...cur };
  if (a.rollback) {
    if (!cur.PreviousSpec) return cur;
    // SwarmKit's rollbackUpdate: back to the previous spec, none kept after it.
    const { PreviousSpec: _gone, ...rest } = next;
    next = { ...rest, Spec: cur.PreviousSpec, SpecVersion: nextSpecVersion(cur, cur.PreviousSpec) };
  }
  if (a.rollout === null) delete next.Rollout;
  else if (a.rollout) next.Rollout = a.rollout;
  if (a.status) {
    next.UpdateStatus = orderedStatus(a.status);
    // A change others can see moves the version on, as the engine's store does.
    next.Version = { Index: index };
    next.UpdatedAt = new Date(now).toISOString();
  }
  return next;
}

/** Keys in the engine's order (State, StartedAt, CompletedAt, Message). */
function orderedStatus(s: UpdateStatus): UpdateStatus {
  return {
    State: s.State,
    ...(s.StartedAt === undefined ? {} : { StartedAt: s.StartedAt }),
    ...(s.CompletedAt === undefined ? {} : { CompletedAt: s.CompletedAt }),
    ...(s.Message === undefined ? {} : { Message: s.Message }),
  };
}

/** A new generation when what tasks are made from changes: the task template or the endpoint. */
function nextSpecVersion(cur: Service, spec: ServiceSpec): number {
  const same =
    sameJson(taskTemplate(cur.Spec), taskTemplate(spec)) &&
    sameJson(endpointSpec(cur.Spec), endpointSpec(spec));
  return same ? cur.SpecVersion : cur.SpecVersion + 1;
}
