// Typed reads of a verbatim service spec: the few fields Shoal acts on, with Docker's defaults for what is
// missing. A malformed field reads as absent; validating a spec is the API's job, not reconcile's.
import type { ServiceSpec } from './types.js';

type Obj = Readonly<Record<string, unknown>>;

export type ServiceMode =
  | { kind: 'replicated'; replicas: number }
  | { kind: 'global' }
  /** ReplicatedJob / GlobalJob: not emulated; reconcile leaves such a service's tasks alone. */
  | { kind: 'unsupported'; name: string };

export type RestartCondition = 'any' | 'on-failure' | 'none';

export interface RestartPolicy {
  condition: RestartCondition;
  delayMs: number;
  /** 0: no limit. */
  maxAttempts: number;
  /** 0: MaxAttempts counts every restart of the slot under this spec version. */
  windowMs: number;
}

export interface Placement {
  constraints: string[];
  preferences: unknown[];
  /** 0: no limit per node. */
  maxReplicas: number;
}

/** SwarmKit's defaults (`api/defaults/service.go`), in nanoseconds as the API carries durations. */
export const DEFAULT_RESTART_DELAY_NS = 5e9;
export const DEFAULT_MONITOR_NS = 5e9;
export const DEFAULT_STOP_GRACE_NS = 1e10;

export function objectAt(value: unknown, ...path: string[]): Obj | undefined {
  let cur: unknown = value;
  for (const key of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return isObj(cur) ? cur : undefined;
}

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

function stringMap(value: unknown): Record<string, string> {
  if (!isObj(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function serviceName(spec: ServiceSpec): string {
  return typeof spec['Name'] === 'string' ? spec['Name'] : '';
}

export function serviceLabels(spec: ServiceSpec): Record<string, string> {
  return stringMap(spec['Labels']);
}

/** Mode: absent means replicated; Replicas absent means 1 (as the engine does). */
export function serviceMode(spec: ServiceSpec): ServiceMode {
  const mode = objectAt(spec, 'Mode');
  if (!mode) return { kind: 'replicated', replicas: 1 };
  const replicated = objectAt(mode, 'Replicated');
  if (replicated) return { kind: 'replicated', replicas: count(replicated['Replicas']) ?? 1 };
  if (objectAt(mode, 'Global')) return { kind: 'global' };
  for (const name of ['ReplicatedJob', 'GlobalJob'])
    if (objectAt(mode, name)) return { kind: 'unsupported', name };
  return { kind: 'replicated', replicas: 1 };
}

export function taskTemplate(spec: ServiceSpec): Obj {
  return objectAt(spec, 'TaskTemplate') ?? {};
}

/** The restart policy of a task template (a service's, or the copy a task was made from). */
export function restartPolicy(template: Obj): RestartPolicy {
  const p = objectAt(template, 'RestartPolicy') ?? {};
  const c = p['Condition'];
  const condition: RestartCondition = c === 'none' || c === 'on-failure' ? c : 'any';
  return {
    condition,
    delayMs: (count(p['Delay']) ?? DEFAULT_RESTART_DELAY_NS) / 1e6,
    maxAttempts: count(p['MaxAttempts']) ?? 0,
    windowMs: (count(p['Window']) ?? 0) / 1e6,
  };
}

export function placement(template: Obj): Placement {
  const p = objectAt(template, 'Placement') ?? {};
  const constraints = Array.isArray(p['Constraints'])
    ? p['Constraints'].filter((c): c is string => typeof c === 'string')
    : [];
  const preferences = Array.isArray(p['Preferences']) ? [...(p['Preferences'] as unknown[])] : [];
  return { constraints, preferences, maxReplicas: count(p['MaxReplicas']) ?? 0 };
}

export function resources(template: Obj): Obj {
  return objectAt(template, 'Resources') ?? {};
}

export function containerImage(template: Obj): string {
  const image = objectAt(template, 'ContainerSpec')?.['Image'];
  return typeof image === 'string' ? image : '';
}

/** ContainerSpec.Labels: they go on the task's container (a stack's namespace label comes this way). */
export function containerLabels(template: Obj): Record<string, string> {
  return stringMap(objectAt(template, 'ContainerSpec')?.['Labels']);
}

export function stopGracePeriodMs(template: Obj): number {
  return (count(objectAt(template, 'ContainerSpec')?.['StopGracePeriod']) ?? DEFAULT_STOP_GRACE_NS) / 1e6;
}

/** UpdateConfig.Monitor: how long the CLI waits to call a service converged (absent or 0: 5 s). */
export function updateMonitorMs(spec: ServiceSpec): number {
  const monitor = count(objectAt(spec, 'UpdateConfig')?.['Monitor']);
  return (monitor || DEFAULT_MONITOR_NS) / 1e6;
}

export function endpointSpec(spec: ServiceSpec): Obj {
  return objectAt(spec, 'EndpointSpec') ?? {};
}
