// Swarm mode's services and tasks for the API: create, inspect, list, update, remove, and the tasks they
// run. Only the leader writes (the store refuses writes elsewhere); the loop does the rest.
import type { FilterArgs } from '../../docker/filters.js';
import { randomSwarmId } from '../../docker/swarm-id.js';
import { ApiError } from '../../errors.js';
import { findNetwork } from '../../networks/cluster-networks.js';
import type { Pool } from '../../pool/pool.js';
import { OutOfSequenceError } from '../../store/errors.js';
import { allocatedPorts, allocatePorts, portStatus } from '../endpoint.js';
import { randomServiceName } from '../names.js';
import { newService, rolledBackService, updatedService } from '../service-record.js';
import { serviceFilter } from '../service-filter.js';
import { isObj, placement, serviceMode, serviceName, taskTemplate } from '../spec.js';
import type { NodeInfo, PortConfig, Service, ServiceSpec, Task } from '../types.js';
import { invalidArgument, validateServiceSpec } from '../validate.js';
import { serviceObject, serviceStatus, taskFilter, taskObject } from '../view.js';
import { eligibleNodes } from './eligible.js';
import type { ServiceHooks } from './hooks.js';
import type { ServiceRecords } from './records.js';

export interface ServicesDeps {
  pool: Pool;
  records: ServiceRecords;
  /** The swarm's nodes as reconcile sees them (ready or down). */
  nodes(): NodeInfo[];
  /** A node's hostname, for the task filter `node=<hostname>`. */
  nodeName(nodeId: string): string | undefined;
  rng?: () => number;
  /** Checks other objects add to every spec stored (secrets and configs exist). */
  hooks?: ServiceHooks;
}

const unimplemented = (desc: string) =>
  ApiError.notImplemented(`rpc error: code = Unimplemented desc = ${desc}`);
/** gRPC's FailedPrecondition, which the engine answers with 400. */
const failedPrecondition = (desc: string) =>
  ApiError.invalid(`rpc error: code = FailedPrecondition desc = ${desc}`);

/** The query of `POST /services/{id}/update` besides `version`. */
export interface UpdateOptions {
  /** `previous`: back to PreviousSpec (`docker service rollback`); `none` or absent: the body's spec. */
  rollback?: string | null;
  /** Where the registry credentials come from (`spec`, `previous-spec`): checked, not used. */
  registryAuthFrom?: string | null;
}

export class Services {
  constructor(private readonly deps: ServicesDeps) {}

  async create(spec: ServiceSpec): Promise<{ ID: string }> {
    const { records } = this.deps;
    let named = spec;
    if (serviceName(spec) === '') {
      const taken = (n: string) => records.allServices().some((s) => serviceName(s.Spec) === n);
      named = { ...spec, Name: randomServiceName(this.deps.rng ?? Math.random, taken) };
    }
    validateServiceSpec(named);
    const stored = this.resolveNetworks(named);
    const id = randomSwarmId();
    await records.commit((d) => {
      this.deps.hooks?.checkSpec(stored);
      const name = serviceName(stored);
      for (const s of d.services()) {
        if (serviceName(s.Spec) === name) {
          throw ApiError.conflict(
            `rpc error: code = AlreadyExists desc = name conflicts with an existing object: service ${name} already exists`,
          );
        }
      }
      const ports = portsOf(stored, undefined, [...d.services()]);
      d.putService(withPorts(newService(stored, id, d.now, d.index), ports));
    });
    return { ID: id };
  }

  /** By full ID, then name, then unique ID prefix (the engine's order and texts). */
  find(ref: string): Service {
    const all = this.deps.records.allServices();
    const byId = all.find((s) => s.ID === ref);
    if (byId) return byId;
    let hits = all.filter((s) => serviceName(s.Spec) === ref);
    if (hits.length === 0 && ref !== '') hits = all.filter((s) => s.ID.startsWith(ref));
    if (hits.length > 1) throw ApiError.invalid(`service ${ref} is ambiguous (${hits.length} matches found)`);
    const hit = hits[0];
    if (!hit) throw ApiError.notFound(`service ${ref} not found`);
    return hit;
  }

  inspect(ref: string, insertDefaults: boolean): Record<string, unknown> {
    return serviceObject(this.find(ref), { insertDefaults });
  }

  list(filters: FilterArgs, status: boolean): Record<string, unknown>[] {
    const keep = serviceFilter(filters);
    const nodes = status ? this.deps.nodes() : [];
    return this.deps.records
      .allServices()
      .filter(keep)
      .sort((a, b) => (a.CreatedAt < b.CreatedAt ? -1 : a.CreatedAt > b.CreatedAt ? 1 : 0))
      .map((s) =>
        serviceObject(s, status ? { status: serviceStatus(s, this.deps.records.tasksOf(s.ID), nodes) } : {}),
      );
  }

  /**
   * `POST /services/{id}/update`: the new spec, or with `rollback=previous` the previous one back (the body
   * is checked but not used), in the engine's order of checks and with its texts.
   */
  async update(
    ref: string,
    rawVersion: string | null,
    spec: ServiceSpec,
    opts: UpdateOptions = {},
  ): Promise<{ Warnings: null }> {
    const version = /^\d+$/.test(rawVersion ?? '') ? Number(rawVersion) : NaN;
    if (Number.isNaN(version)) throw ApiError.invalid(`invalid service version '${rawVersion ?? ''}'`);
    const cur = this.find(ref);
    const from = opts.registryAuthFrom ?? '';
    if (from === 'previous-spec' && !cur.PreviousSpec)
      throw ApiError.internal('service does not have a previous spec');
    if (from !== '' && from !== 'spec' && from !== 'previous-spec')
      throw ApiError.internal('unsupported registryAuthFrom value');
    const rollback = opts.rollback ?? '';
    if (rollback !== '' && rollback !== 'none' && rollback !== 'previous')
      throw ApiError.internal(`unrecognized rollback option ${rollback}`);
    validateServiceSpec(spec);
    const stored = this.resolveNetworks(spec);
    await this.deps.records.commit((d) => {
      const s = d.service(cur.ID);
      if (!s) throw ApiError.notFound(`service ${cur.ID} not found`);
      if (serviceMode(s.Spec).kind !== serviceMode(stored).kind)
        throw unimplemented('service mode change is not allowed');
      if (serviceName(s.Spec) !== serviceName(stored))
        throw unimplemented('renaming services is not supported');
      if (rollback === 'previous' && !s.PreviousSpec)
        throw failedPrecondition(`service ${s.ID} does not have a previous spec`);
      if (s.Version.Index !== version) throw new OutOfSequenceError();
      const next =
        rollback === 'previous' && s.PreviousSpec
          ? rolledBackService(s, s.PreviousSpec, d.now, d.index)
          : updatedService(s, stored, d.now, d.index);
      this.deps.hooks?.checkSpec(next.Spec);
      const others = [...d.services()].filter((o) => o.ID !== s.ID);
      const ports = portsOf(next.Spec, s.Endpoint?.Ports, others);
      d.putService(withPorts(next, ports));
    });
    return { Warnings: null };
  }

  /** The service goes now; its tasks stop and go in the background (the loop sees it missing). */
  async remove(ref: string): Promise<void> {
    const s = this.find(ref);
    await this.deps.records.commit((d) => {
      if (d.service(s.ID)) d.deleteService(s.ID);
    });
  }

  tasks(filters: FilterArgs): Record<string, unknown>[] {
    const { records } = this.deps;
    const keep = taskFilter(filters, {
      service: (id) => records.service(id),
      nodeName: (id) => this.deps.nodeName(id),
      eligible: (s) =>
        eligibleNodes(this.deps.pool, placement(taskTemplate(s.Spec)).constraints, this.deps.nodes()),
    });
    return records
      .allTasks()
      .filter(keep)
      .sort(byCreation)
      .map((t) => taskObject(t, this.portStatusOf(t)));
  }

  /** By full ID, then unique ID prefix. */
  findTask(ref: string): Task {
    const all = this.deps.records.allTasks();
    const exact = this.deps.records.task(ref);
    if (exact) return exact;
    const hits = ref === '' ? [] : all.filter((t) => t.ID.startsWith(ref));
    if (hits.length > 1) throw ApiError.invalid(`task ${ref} is ambiguous (${hits.length} matches found)`);
    const hit = hits[0];
    if (!hit) throw ApiError.notFound(`task ${ref} not found`);
    return hit;
  }

  inspectTask(ref: string): Record<string, unknown> {
    const t = this.findTask(ref);
    return taskObject(t, this.portStatusOf(t));
  }

  /** A task's host-mode ports as its container bound them (from the engine's cache). */
  private portStatusOf(t: Task): { Ports?: PortConfig[] } {
    const service = this.deps.records.service(t.ServiceID);
    const ports = service ? allocatedPorts(service) : [];
    const id = t.Status.ContainerStatus?.ContainerID;
    if (!ports.some((p) => p.PublishMode === 'host') || !id) return {};
    const c = this.deps.pool.containers.engineOf(id)?.containers.get(id);
    return c ? portStatus(ports, c.detail.NetworkSettings.Ports) : {};
  }

  /** `TaskTemplate.Networks[].Target` names a cluster network: stored as its ID, as the engine does. */
  private resolveNetworks(spec: ServiceSpec): ServiceSpec {
    const template = spec['TaskTemplate'];
    const networks = isObj(template) ? template['Networks'] : undefined;
    if (!isObj(template) || !Array.isArray(networks) || networks.length === 0) return spec;
    const resolved = networks.map((n: unknown) => {
      const target = isObj(n) && typeof n['Target'] === 'string' ? n['Target'] : '';
      const found = findNetwork(this.deps.pool, target);
      if (!found) throw ApiError.notFound(`network ${target} not found`);
      if (found.kind !== 'cluster') {
        throw invalidArgument(`network ${target} is not a cluster network: only those span every engine`);
      }
      return { ...(n as object), Target: found.network.id };
    });
    return { ...spec, TaskTemplate: { ...template, Networks: resolved } };
  }
}

/** The allocated ports, or swarm's error for a port another service publishes. */
function portsOf(
  spec: ServiceSpec,
  previous: readonly PortConfig[] | undefined,
  others: Service[],
): PortConfig[] {
  const a = allocatePorts(spec, previous, others);
  if ('error' in a) throw invalidArgument(a.error);
  return a.ports;
}

function withPorts(s: Service, ports: PortConfig[]): Service {
  const { Endpoint: _old, ...rest } = s;
  return ports.length > 0 ? { ...rest, Endpoint: { Ports: ports } } : rest;
}

function byCreation(a: Task, b: Task): number {
  return a.CreatedAt < b.CreatedAt ? -1 : a.CreatedAt > b.CreatedAt ? 1 : a.ID < b.ID ? -1 : 1;
}
