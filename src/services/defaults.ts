// `GET /services/{id}?insertDefaults=true`: the stored spec with SwarmKit's defaults filled in where the
// client left fields out (`api/defaults/service.go` InterpolateService), keys where the engine puts them.
import { DEFAULT_MONITOR_NS, DEFAULT_RESTART_DELAY_NS, DEFAULT_STOP_GRACE_NS, isObj } from './spec.js';
import type { ServiceSpec } from './types.js';

type Obj = Record<string, unknown>;

// Field order of the engine's JSON (the Go structs), so that an inserted key lands where Docker has it.
const SPEC_ORDER = [
  'Name',
  'Labels',
  'TaskTemplate',
  'Mode',
  'UpdateConfig',
  'RollbackConfig',
  'Networks',
  'EndpointSpec',
];
const TASK_ORDER = [
  'ContainerSpec',
  'PluginSpec',
  'NetworkAttachmentSpec',
  'Resources',
  'RestartPolicy',
  'Placement',
  'Networks',
  'LogDriver',
  'ForceUpdate',
  'Runtime',
];
const CONTAINER_ORDER = [
  'Image',
  'Labels',
  'Command',
  'Args',
  'Hostname',
  'Env',
  'Dir',
  'User',
  'Groups',
  'Privileges',
  'Init',
  'StopSignal',
  'TTY',
  'OpenStdin',
  'ReadOnly',
  'Mounts',
  'StopGracePeriod',
  'Healthcheck',
  'Hosts',
  'DNSConfig',
];
const RESTART_ORDER = ['Condition', 'Delay', 'MaxAttempts', 'Window'];
const UPDATE_ORDER = ['Parallelism', 'Delay', 'FailureAction', 'Monitor', 'MaxFailureRatio', 'Order'];

const UPDATE_DEFAULTS: Obj = {
  Parallelism: 1,
  FailureAction: 'pause',
  Monitor: DEFAULT_MONITOR_NS,
  MaxFailureRatio: 0,
  Order: 'stop-first',
};

/** A copy of `spec` with the defaults in; `spec` itself is left as it is. */
export function insertDefaults(spec: ServiceSpec): Obj {
  const out = structuredClone(spec) as Obj;
  const task = isObj(out['TaskTemplate'])
    ? (out['TaskTemplate'] as Obj)
    : put<Obj>(out, 'TaskTemplate', {}, SPEC_ORDER);
  const container = task['ContainerSpec'];
  if (isObj(container)) {
    fill(container, 'StopGracePeriod', DEFAULT_STOP_GRACE_NS, CONTAINER_ORDER);
    fill(container, 'DNSConfig', {}, CONTAINER_ORDER);
  }
  fill(task, 'Resources', {}, TASK_ORDER);
  const restart = task['RestartPolicy'];
  if (isObj(restart)) {
    // A policy that is there keeps its fields; what the engine would show for the missing ones is added.
    fill(restart, 'Condition', 'any', RESTART_ORDER);
    fill(restart, 'Delay', DEFAULT_RESTART_DELAY_NS, RESTART_ORDER);
    fill(restart, 'MaxAttempts', 0, RESTART_ORDER);
  } else {
    put(
      task,
      'RestartPolicy',
      { Condition: 'any', Delay: DEFAULT_RESTART_DELAY_NS, MaxAttempts: 0 },
      TASK_ORDER,
    );
  }
  fill(task, 'Placement', {}, TASK_ORDER);
  for (const key of ['UpdateConfig', 'RollbackConfig']) {
    const config = out[key];
    if (!isObj(config)) {
      put(out, key, { ...UPDATE_DEFAULTS }, SPEC_ORDER);
      continue;
    }
    // Only Monitor is interpolated; the rest is what a partial config reads back as (zero values).
    fill(config, 'Parallelism', 0, UPDATE_ORDER);
    for (const k of ['FailureAction', 'Monitor', 'MaxFailureRatio', 'Order']) {
      fill(config, k, UPDATE_DEFAULTS[k], UPDATE_ORDER);
    }
  }
  return out;
}

function fill(obj: Obj, key: string, value: unknown, order: readonly string[]): void {
  if (obj[key] === undefined || obj[key] === null) put(obj, key, value, order);
}

/**
 * Sets `obj[key]` in place, placed before the first existing key that comes after it in `order` (keys
 * `order` does not know keep their places). Returns the value.
 */
function put<T>(obj: Obj, key: string, value: T, order: readonly string[]): T {
  const rank = order.indexOf(key);
  const entries = Object.entries(obj).filter(([k]) => k !== key);
  let at = entries.length;
  if (rank >= 0) {
    const i = entries.findIndex(([k]) => order.indexOf(k) > rank);
    if (i >= 0) at = i;
  }
  entries.splice(at, 0, [key, value]);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) obj[k] = v;
  return value;
}
