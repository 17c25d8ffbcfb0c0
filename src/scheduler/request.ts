// From a container-create body to a PlacementRequest: only the fields placement uses, type-checked against
// the engine's Go types (src/docker/api-bodies.ts), with the engine's texts.
import { CONTAINER_CREATE } from '../docker/api-bodies.js';
import { goValueError } from '../docker/go-types.js';
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

const NO_SWARM = { constraints: [], affinities: [], whitelists: [] };

/** The create body's fields placement reads, once the body has CONTAINER_CREATE's types. */
interface CreateFields {
  Image?: string | null;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, unknown> | null;
  Memory?: number | null;
  CpuShares?: number | null;
  HostConfig?: {
    NetworkMode?: string | null;
    PortBindings?: Record<string, HostPortBinding[] | null> | null;
    Memory?: number | null;
    MemoryReservation?: number | null;
    NanoCpus?: number | null;
    CpuShares?: number | null;
  } | null;
}

/** Checks the body's types (the engine's Go types and texts) where Shoal reads it; the engine checks the rest. */
export function placementRequest(
  name: string,
  raw: Json,
  swarm: Pick<SwarmConfig, 'constraints' | 'affinities' | 'whitelists'> = NO_SWARM,
): PlacementRequest {
  const wrong = goValueError(raw, CONTAINER_CREATE);
  if (wrong) throw new PlacementRequestError(wrong);
  const body = raw as CreateFields;
  const hc = body.HostConfig ?? {};
  const networkMode = hc.NetworkMode || 'default';
  const bindings = hc.PortBindings ?? undefined;
  return {
    name,
    image: body.Image ?? '',
    labels: body.Labels ?? {},
    networkMode,
    hostPorts: hostPortsOf(bindings),
    exposedPorts: networkMode === 'host' ? Object.keys(body.ExposedPorts ?? {}) : [],
    memory: memoryOf({ Memory: hc.Memory || body.Memory || 0, MemoryReservation: hc.MemoryReservation ?? 0 }),
    cpus: requestedCpus({ NanoCpus: hc.NanoCpus ?? 0, CpuShares: hc.CpuShares || body.CpuShares || 0 }),
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
