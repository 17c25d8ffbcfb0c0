// From a container-create body to a PlacementRequest: only the fields placement uses, type-checked.
import { hostPortsOf, type HostPortBinding } from './ports.js';
import { dependenciesOf } from './filters/dependency.js';
import { memoryOf, requestedCpus } from './resources.js';
import type { SwarmConfig } from './swarm-config.js';
import type { ContainerSnapshot, PlacementRequest } from './types.js';

type Json = Record<string, unknown>;

/** A create body of the wrong shape. `kind` is src/errors.ts's: the API answers it with 400. */
export class PlacementRequestError extends Error {
  override name = 'PlacementRequestError';
  readonly kind = 'invalid' as const;
}

function typeError(field: string, want: string, value: unknown): PlacementRequestError {
  const got = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return new PlacementRequestError(
    `json: cannot unmarshal ${got} into Go struct field ${field} of type ${want}`,
  );
}

function optObject(parent: Json, key: string, field: string): Json | undefined {
  const v = parent[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw typeError(field, 'object', v);
  return v as Json;
}

function optString(parent: Json, key: string, field: string): string {
  const v = parent[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw typeError(field, 'string', v);
  return v;
}

function optNumber(parent: Json, key: string, field: string): number {
  const v = parent[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw typeError(field, 'int64', v);
  return v;
}

function stringMap(v: Json | undefined, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v ?? {})) {
    if (typeof val !== 'string') throw typeError(`${field}`, 'map[string]string', val);
    out[k] = val;
  }
  return out;
}

const NO_SWARM = { constraints: [], affinities: [], whitelists: [] };

/** Checks the body's shape where Shoal reads it; the engine checks the rest. */
export function placementRequest(
  name: string,
  body: Json,
  swarm: Pick<SwarmConfig, 'constraints' | 'affinities' | 'whitelists'> = NO_SWARM,
): PlacementRequest {
  const image = optString(body, 'Image', 'Config.Image');
  const env = body['Env'];
  if (env !== undefined && env !== null) {
    if (!Array.isArray(env) || env.some((e) => typeof e !== 'string'))
      throw typeError('Config.Env', '[]string', env);
  }
  const labels = stringMap(optObject(body, 'Labels', 'Config.Labels'), 'Config.Labels');
  const hc = optObject(body, 'HostConfig', 'ContainerConfigWrapper.HostConfig') ?? {};
  const networkMode = optString(hc, 'NetworkMode', 'HostConfig.NetworkMode') || 'default';
  const bindings = optObject(hc, 'PortBindings', 'HostConfig.PortBindings');
  for (const [port, list] of Object.entries(bindings ?? {})) {
    if (list !== null && !Array.isArray(list))
      throw typeError(`HostConfig.PortBindings`, `[]PortBinding`, list);
    for (const b of (list as unknown[] | null) ?? []) {
      if (b === null || typeof b !== 'object')
        throw typeError(`HostConfig.PortBindings[${port}]`, 'PortBinding', b);
    }
  }
  const exposed = optObject(body, 'ExposedPorts', 'Config.ExposedPorts');
  const memory = memoryOf({
    Memory: optNumber(hc, 'Memory', 'HostConfig.Memory') || optNumber(body, 'Memory', 'Config.Memory'),
    MemoryReservation: optNumber(hc, 'MemoryReservation', 'HostConfig.MemoryReservation'),
  });
  const cpus = requestedCpus({
    NanoCpus: optNumber(hc, 'NanoCpus', 'HostConfig.NanoCpus'),
    CpuShares:
      optNumber(hc, 'CpuShares', 'HostConfig.CpuShares') || optNumber(body, 'CpuShares', 'Config.CpuShares'),
  });
  return {
    name,
    image,
    labels,
    networkMode,
    hostPorts: hostPortsOf(bindings as Record<string, HostPortBinding[] | null> | undefined),
    exposedPorts: networkMode === 'host' ? Object.keys(exposed ?? {}) : [],
    memory,
    cpus,
    constraints: swarm.constraints,
    affinities: swarm.affinities,
    whitelists: swarm.whitelists,
    dependencies: dependenciesOf(hc),
  };
}

/** A name held while a rename is in flight. */
export function pendingName(name: string): ContainerSnapshot {
  return { ...EMPTY_PENDING, name };
}

const EMPTY_PENDING: ContainerSnapshot = {
  id: '',
  name: '',
  image: '',
  imageId: '',
  labels: {},
  state: 'pending',
  networkMode: '',
  hostPorts: [],
  exposedPorts: [],
  memory: 0,
  cpus: 0,
};

/** How a create in flight shows in its node's snapshot until the engine has answered. */
export function pendingContainer(req: PlacementRequest): ContainerSnapshot {
  return {
    id: '',
    name: req.name,
    image: req.image,
    imageId: '',
    labels: req.labels,
    state: 'pending',
    networkMode: req.networkMode,
    hostPorts: req.hostPorts,
    exposedPorts: req.exposedPorts,
    memory: req.memory,
    cpus: req.cpus,
  };
}
