// A task's container, as swarm mode's executor makes it: the create body from the task's template
// (ContainerSpec, resources, log driver, networks, published ports). Its name and labels come from view.ts.
import { containerPorts } from './endpoint.js';
import type { PortConfig } from './types.js';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `IP host…` (swarm's Hosts) → `host:IP` entries (Docker's ExtraHosts). */
function extraHosts(hosts: unknown): string[] | undefined {
  const out = list(hosts)?.flatMap((h) => {
    const [ip, ...names] = String(h).trim().split(/\s+/);
    return ip ? names.map((n) => `${n}:${ip}`) : [];
  });
  return out && out.length > 0 ? out : undefined;
}

function hostConfig(cs: Json, template: Json): Json {
  const limits = obj(obj(template['Resources'])['Limits']);
  const reservations = obj(obj(template['Resources'])['Reservations']);
  const dns = obj(cs['DNSConfig']);
  const log = obj(template['LogDriver']);
  const hc: Json = {
    Init: cs['Init'] === true ? true : undefined,
    Mounts: list(cs['Mounts']),
    ReadonlyRootfs: cs['ReadOnly'] === true ? true : undefined,
    NanoCpus: num(limits['NanoCPUs']),
    Memory: num(limits['MemoryBytes']),
    PidsLimit: num(limits['Pids']),
    MemoryReservation: num(reservations['MemoryBytes']),
    Dns: list(dns['Nameservers']),
    DnsSearch: list(dns['Search']),
    DnsOptions: list(dns['Options']),
    ExtraHosts: extraHosts(cs['Hosts']),
    GroupAdd: list(cs['Groups']),
    CapAdd: list(cs['CapabilityAdd']),
    CapDrop: list(cs['CapabilityDrop']),
    Sysctls: cs['Sysctls'],
    Ulimits: list(cs['Ulimits']),
    Isolation: typeof cs['Isolation'] === 'string' ? cs['Isolation'] : undefined,
    LogConfig:
      typeof log['Name'] === 'string' ? { Type: log['Name'], Config: obj(log['Options']) } : undefined,
    // The reconciler restarts tasks (in their slot), never the engine.
    RestartPolicy: { Name: 'no' },
  };
  return Object.fromEntries(Object.entries(hc).filter(([, v]) => v !== undefined));
}

/**
 * The create body for a task's container (the engine checks the rest, as it would for swarm mode); `labels`
 * are view.ts's taskContainerLabels (the spec's own, swarm's and Shoal's cluster label); `ports` the service's
 * Endpoint.Ports (endpoint.ts containerPorts: host-mode ports bound as asked, ingress ones on a port the
 * engine picks).
 */
export function taskContainerBody(
  template: Json,
  labels: Record<string, string>,
  ports: readonly PortConfig[] = [],
): Json {
  const cs = obj(template['ContainerSpec']);
  const grace = num(cs['StopGracePeriod']);
  const body: Json = {
    Image: cs['Image'],
    Cmd: list(cs['Args']),
    Entrypoint: list(cs['Command']),
    Env: list(cs['Env']),
    WorkingDir: typeof cs['Dir'] === 'string' ? cs['Dir'] : undefined,
    User: typeof cs['User'] === 'string' ? cs['User'] : undefined,
    Hostname: typeof cs['Hostname'] === 'string' ? cs['Hostname'] : undefined,
    Tty: cs['TTY'] === true ? true : undefined,
    OpenStdin: cs['OpenStdin'] === true ? true : undefined,
    StopSignal: typeof cs['StopSignal'] === 'string' ? cs['StopSignal'] : undefined,
    StopTimeout: grace === undefined ? undefined : Math.ceil(grace / 1e9),
    Healthcheck: cs['Healthcheck'],
    Labels: labels,
    HostConfig: hostConfig(cs, template),
  };
  if (ports.length > 0) {
    const { ExposedPorts, PortBindings } = containerPorts(ports);
    body['ExposedPorts'] = ExposedPorts;
    (body['HostConfig'] as Json)['PortBindings'] = PortBindings;
  }
  const networks = list(template['Networks']);
  if (networks && networks.length > 0) {
    body['NetworkingConfig'] = {
      EndpointsConfig: Object.fromEntries(
        networks.map((n) => [String(obj(n)['Target']), { Aliases: list(obj(n)['Aliases']) ?? [] }]),
      ),
    };
  }
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}
