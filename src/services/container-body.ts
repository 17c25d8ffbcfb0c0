// A task's container, as swarm mode's executor makes it: the create body from the service's ContainerSpec,
// resources, log driver and networks, named `<service>.<slot>.<task ID>` and labelled as swarm mode labels it.
type Json = Record<string, unknown>;

const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export interface TaskIdentity {
  serviceId: string;
  serviceName: string;
  taskId: string;
  /** 0 for a global service's task (named after its node instead). */
  slot: number;
  nodeId: string;
}

/** `<service>.<slot>.<task ID>`, or `<service>.<node ID>.<task ID>` for a global service's task. */
export function taskContainerName(t: TaskIdentity): string {
  return `${t.serviceName}.${t.slot > 0 ? String(t.slot) : t.nodeId}.${t.taskId}`;
}

/** The labels swarm mode puts on a task's container (what `docker ps` and the reconciler read back). */
export function taskLabels(t: TaskIdentity): Record<string, string> {
  return {
    'com.docker.swarm.node.id': t.nodeId,
    'com.docker.swarm.service.id': t.serviceId,
    'com.docker.swarm.service.name': t.serviceName,
    'com.docker.swarm.task': '',
    'com.docker.swarm.task.id': t.taskId,
    'com.docker.swarm.task.name': taskContainerName(t),
  };
}

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

/** The create body for a task's container (the engine checks the rest, as it would for swarm mode). */
export function taskContainerBody(template: Json, t: TaskIdentity): Json {
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
    Labels: { ...(obj(cs['Labels']) as Record<string, string>), ...taskLabels(t) },
    HostConfig: hostConfig(cs, template),
  };
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
