// Published ports (EndpointSpec.Ports): read from a verbatim spec, checked and allocated as SwarmKit does
// (an ingress port asked as 0 gets one from 30000–32767, kept across updates), and what they mean for a
// task's container (PortBindings), for `docker service ps` (PortStatus) and for Shoal's ingress.
import { endpointSpec, isObj } from './spec.js';
import type { PortConfig, Service, ServiceSpec } from './types.js';

/** SwarmKit's dynamic range (manager/allocator/portallocator.go). */
export const DYNAMIC_PORTS = { first: 30000, last: 32767 } as const;

type Binding = { HostIp?: string; HostPort?: string };
/** A container's NetworkSettings.Ports: `"80/tcp"` → the host bindings the engine made. */
export type BoundPorts = Readonly<Record<string, readonly Binding[] | null>> | null | undefined;

function portConfig(raw: unknown): PortConfig | undefined {
  if (!isObj(raw)) return undefined;
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  // The engine maps what it does not know to the zero values: tcp, ingress.
  const proto = typeof raw['Protocol'] === 'string' ? raw['Protocol'].toLowerCase() : '';
  const out: PortConfig = {
    Protocol: proto === 'udp' || proto === 'sctp' ? proto : 'tcp',
    TargetPort: int(raw['TargetPort']),
    PublishedPort: int(raw['PublishedPort']),
    PublishMode: raw['PublishMode'] === 'host' ? 'host' : 'ingress',
  };
  return typeof raw['Name'] === 'string' && raw['Name'] !== '' ? { Name: raw['Name'], ...out } : out;
}

/** The spec's ports, with the engine's defaults filled in. */
export function specPorts(spec: ServiceSpec): PortConfig[] {
  const ports = endpointSpec(spec)['Ports'];
  return Array.isArray(ports) ? ports.flatMap((p) => portConfig(p) ?? []) : [];
}

/** What is wrong with a spec's ports (SwarmKit's validateEndpointSpec texts), or undefined. */
export function endpointProblem(spec: ServiceSpec): string | undefined {
  const ports = specPorts(spec);
  const seen = new Set<string>();
  for (const p of ports) {
    if (endpointSpec(spec)['Mode'] === 'dnsrr' && p.PublishMode === 'ingress')
      return "EndpointSpec: port published with ingress mode can't be used with dnsrr mode";
    if (p.PublishMode === 'ingress' && p.Protocol === 'sctp')
      return "EndpointSpec: Shoal's ingress serves tcp and udp ports, not sctp (publish it with mode=host)";
    if (p.PublishedPort === 0) continue;
    const key = `${p.Protocol}/${p.PublishedPort}`;
    if (seen.has(key)) return 'EndpointSpec: duplicate published ports provided';
    seen.add(key);
  }
  return undefined;
}

export type Allocation = { ports: PortConfig[] } | { error: string };

/**
 * The ports of a service being created or updated: refused when another service publishes one of them
 * (SwarmKit's checkPortConflicts texts: two services may share a host-mode port, as the scheduler keeps
 * their tasks apart, never an ingress port); an ingress port asked as 0 keeps the one it had (`previous`),
 * else gets the lowest free one of the dynamic range.
 */
export function allocatePorts(
  spec: ServiceSpec,
  previous: readonly PortConfig[] | undefined,
  others: readonly Service[],
): Allocation {
  const ports = specPorts(spec);
  const key = (p: PortConfig) => `${p.Protocol}/${p.PublishedPort}`;
  const ingress = new Set(ports.filter((p) => p.PublishMode === 'ingress' && p.PublishedPort).map(key));
  const host = new Set(ports.filter((p) => p.PublishMode === 'host' && p.PublishedPort).map(key));
  const taken = new Set<string>();
  for (const s of others) {
    for (const p of [...specPorts(s.Spec), ...(s.Endpoint?.Ports ?? [])]) {
      if (p.PublishedPort === 0) continue;
      taken.add(key(p));
      const name = typeof s.Spec['Name'] === 'string' ? s.Spec['Name'] : '';
      if (p.PublishMode === 'host' && ingress.has(key(p)))
        return {
          error: `port '${p.PublishedPort}' is already in use by service '${name}' (${s.ID}) as a host-published port`,
        };
      if (p.PublishMode === 'ingress' && (ingress.has(key(p)) || host.has(key(p))))
        return {
          error: `port '${p.PublishedPort}' is already in use by service '${name}' (${s.ID}) as an ingress port`,
        };
    }
  }
  for (const k of [...ingress, ...host]) taken.add(k);
  const out: PortConfig[] = [];
  for (const p of ports) {
    if (p.PublishMode !== 'ingress' || p.PublishedPort !== 0) {
      out.push(p);
      continue;
    }
    const sticky = previous?.find(
      (q) =>
        q.PublishMode === 'ingress' &&
        q.Protocol === p.Protocol &&
        q.TargetPort === p.TargetPort &&
        q.Name === p.Name &&
        !taken.has(key(q)),
    );
    const picked = sticky?.PublishedPort ?? lowestFree(p.Protocol, taken);
    if (picked === undefined) return { error: 'could not find an available port in the dynamic range' };
    taken.add(`${p.Protocol}/${picked}`);
    out.push({ ...p, PublishedPort: picked });
  }
  return { ports: out };
}

function lowestFree(protocol: string, taken: ReadonlySet<string>): number | undefined {
  for (let port = DYNAMIC_PORTS.first; port <= DYNAMIC_PORTS.last; port++)
    if (!taken.has(`${protocol}/${port}`)) return port;
  return undefined;
}

/**
 * Two specs' ports need different task containers, which must then be made again (SwarmKit's IsTaskDirty
 * replaces the tasks on any port change; an ingress port moved to another published port needs no new
 * container here, as the tasks' side of it is the same).
 */
export function portsChanged(a: ServiceSpec, b: ServiceSpec): boolean {
  return JSON.stringify(containerPorts(specPorts(a))) !== JSON.stringify(containerPorts(specPorts(b)));
}

/** The ports as allocated; a record written before Shoal allocated ports has its spec's (0 left out). */
export function allocatedPorts(service: Service): PortConfig[] {
  return service.Endpoint?.Ports ?? specPorts(service.Spec).filter((p) => p.PublishedPort > 0);
}

/** `GET /services` Endpoint: the spec as given and the ports as allocated, in the engine's key order. */
export function endpointView(service: Service): Record<string, unknown> {
  const ports = allocatedPorts(service);
  return {
    Spec: endpointSpec(service.Spec),
    ...(ports.length > 0 ? { Ports: ports.map((p) => ({ ...p })) } : {}),
  };
}

/**
 * What a task's container publishes: a host-mode port on its published port (or one the engine picks), an
 * ingress port on a port the engine picks, which Shoal's ingress then connects to.
 */
export function containerPorts(ports: readonly PortConfig[]): {
  ExposedPorts: Record<string, Record<string, never>>;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports) {
    const k = `${p.TargetPort}/${p.Protocol}`;
    exposed[k] = {};
    const hostPort = p.PublishMode === 'host' && p.PublishedPort ? String(p.PublishedPort) : '';
    (bindings[k] ??= []).push({ HostIp: '', HostPort: hostPort });
  }
  return { ExposedPorts: exposed, PortBindings: bindings };
}

function hostPortsOf(bound: BoundPorts, p: PortConfig): number[] {
  const out: number[] = [];
  for (const b of bound?.[`${p.TargetPort}/${p.Protocol}`] ?? []) {
    const n = Number(b.HostPort);
    if (b.HostPort && Number.isInteger(n) && n > 0 && !out.includes(n)) out.push(n);
  }
  return out;
}

/** A task's `Status.PortStatus`: its host-mode ports as its container bound them (ingress is Shoal's). */
export function portStatus(ports: readonly PortConfig[], bound: BoundPorts): { Ports?: PortConfig[] } {
  const explicit = new Set(ports.filter((p) => p.PublishMode === 'host').map((p) => p.PublishedPort));
  const out: PortConfig[] = [];
  for (const p of ports) {
    if (p.PublishMode !== 'host') continue;
    const have = hostPortsOf(bound, p);
    const port = p.PublishedPort
      ? have.find((n) => n === p.PublishedPort)
      : have.find((n) => !explicit.has(n));
    if (port !== undefined) out.push({ ...p, PublishedPort: port });
  }
  return out.length > 0 ? { Ports: out } : {};
}

/** The engine port behind an ingress port on one task's container, once the engine has bound it. */
export function backingPort(bound: BoundPorts, p: PortConfig): number | undefined {
  return hostPortsOf(bound, p)[0];
}

/** The ingress ports a service publishes (allocated, so none is 0). */
export function ingressPorts(service: Service): PortConfig[] {
  return allocatedPorts(service).filter((p) => p.PublishMode === 'ingress' && p.PublishedPort > 0);
}
