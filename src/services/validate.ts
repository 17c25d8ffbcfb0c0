// Checks of a service spec before it is stored, with the texts a swarm-mode engine answers (SwarmKit's
// controlapi validation, wrapped as gRPC errors by the engine): `rpc error: code = InvalidArgument desc = …`.
import { ApiError } from '../errors.js';
import { endpointProblem } from './endpoint.js';
import { parseNodeConstraints } from '../scheduler/node-constraint.js';
import { isObj, objectAt, serviceMode, serviceName } from './spec.js';
import type { ServiceSpec } from './types.js';

const DNS_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?';
const REFERENCE = new RegExp(
  `^${DOMAIN}${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

export function invalidArgument(desc: string): ApiError {
  return ApiError.invalid(`rpc error: code = InvalidArgument desc = ${desc}`);
}

/** Throws the engine's error for the first thing wrong with `spec` (its Go types were checked on decoding). */
export function validateServiceSpec(spec: ServiceSpec): void {
  const name = serviceName(spec);
  if (name === '') throw invalidArgument('meta: name must be provided');
  if (!DNS_NAME.test(name)) throw invalidArgument('name must be valid as a DNS name component');
  if (name.length > 63) throw invalidArgument('name must be 63 characters or fewer');
  const template = objectAt(spec, 'TaskTemplate') ?? {};
  checkContainer(objectAt(template, 'ContainerSpec'));
  checkResources(objectAt(template, 'Resources', 'Limits'));
  checkResources(objectAt(template, 'Resources', 'Reservations'));
  const restart = objectAt(template, 'RestartPolicy');
  if (negative(restart?.['Delay'])) throw invalidArgument('TaskSpec: restart-delay cannot be negative');
  if (negative(restart?.['Window'])) throw invalidArgument('TaskSpec: restart-window cannot be negative');
  const constraints = objectAt(template, 'Placement')?.['Constraints'];
  if (Array.isArray(constraints)) {
    try {
      parseNodeConstraints(constraints.filter((c): c is string => typeof c === 'string'));
    } catch (err) {
      throw invalidArgument((err as Error).message);
    }
  }
  for (const key of ['UpdateConfig', 'RollbackConfig']) checkUpdate(objectAt(spec, key));
  const ports = endpointProblem(spec);
  if (ports) throw invalidArgument(ports);
  const mode = serviceMode(spec);
  if (mode.kind === 'unsupported') {
    throw ApiError.notImplemented(`${mode.name} services are not supported by Shoal yet`);
  }
}

function checkContainer(cs: Readonly<Record<string, unknown>> | undefined): void {
  if (!cs) throw invalidArgument('TaskSpec: missing runtime');
  const image = typeof cs['Image'] === 'string' ? cs['Image'] : '';
  if (image === '') throw invalidArgument('ContainerSpec: image reference must be provided');
  if (!REFERENCE.test(image) || /^[a-f0-9]{64}$/.test(image)) {
    throw invalidArgument(`ContainerSpec: ${JSON.stringify(image)} is not a valid repository/tag`);
  }
  const mounts = Array.isArray(cs['Mounts']) ? cs['Mounts'] : [];
  const seen = new Set<string>();
  for (const m of mounts) {
    const target = isObj(m) && typeof m['Target'] === 'string' ? m['Target'] : '';
    if (seen.has(target)) throw invalidArgument(`ContainerSpec: duplicate mount point: ${target}`);
    seen.add(target);
  }
}

function checkResources(r: Readonly<Record<string, unknown>> | undefined): void {
  const cpus = typeof r?.['NanoCPUs'] === 'number' ? r['NanoCPUs'] : 0;
  if (cpus !== 0 && cpus < 1e6) {
    throw invalidArgument(`invalid cpu value ${cpus / 1e9}: Must be at least 0.001`);
  }
  const memory = typeof r?.['MemoryBytes'] === 'number' ? r['MemoryBytes'] : 0;
  if (memory !== 0 && memory < 4 * 1024 * 1024) {
    throw invalidArgument(`invalid memory value ${memory}: Must be at least 4MiB`);
  }
}

function checkUpdate(u: Readonly<Record<string, unknown>> | undefined): void {
  if (!u) return;
  if (negative(u['Delay'])) throw invalidArgument('TaskSpec: update-delay cannot be negative');
  if (negative(u['Monitor'])) throw invalidArgument('TaskSpec: update-monitor cannot be negative');
  const ratio = u['MaxFailureRatio'];
  if (typeof ratio === 'number' && (ratio < 0 || ratio > 1)) {
    throw invalidArgument('TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1');
  }
}

function negative(v: unknown): boolean {
  return typeof v === 'number' && v < 0;
}
