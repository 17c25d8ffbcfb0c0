// The cluster's names: which addresses a name has on each network, kept container by container (a change
// of one container touches only its own names). Pure: containers in, lookups out.

/** One container as the resolver sees it. */
export interface NamedContainer {
  id: string;
  /** Its name, without the leading slash. */
  name: string;
  /** Running, and healthy if it has a health check: only such containers are answered. */
  serving: boolean;
  /** Compose's labels: the service answers as `web` on the project's networks and `web.<project>` anywhere. */
  compose?: { project: string; service: string };
  /** A swarm service's task: `<service>` and `tasks.<service>` on its networks. */
  swarmService?: string;
  endpoints: readonly NamedEndpoint[];
  /** Its exposed ports ("80/tcp"): SRV records point at them. */
  ports?: readonly string[];
}

export interface NamedEndpoint {
  /** The network, by the ID every engine's part shares (a cluster network's), or an engine-local ID. */
  networkId: string;
  ipv4: string;
  ipv6?: string;
  /** Aliases on this network (the engine's and the ones Shoal holds back from the engine). */
  aliases: readonly string[];
}

export interface Address {
  containerId: string;
  ipv4: string;
  ipv6?: string;
}

type Names = Map<string, Map<string, Address>>;

/** A name as looked up: lower case, no trailing dot. */
export function canonical(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

export class NameIndex {
  /** network → name → container → address. */
  private readonly scoped = new Map<string, Names>();
  /** `<service>.<project>`: usable from any network. */
  private readonly qualified: Names = new Map();
  private readonly byIp = new Map<string, string>();
  private readonly containers = new Map<string, NamedContainer>();
  private readonly projects = new Map<string, number>();

  get size(): number {
    return this.containers.size;
  }

  /** Adds or replaces a container's names; a container not serving keeps none. */
  set(c: NamedContainer): void {
    this.remove(c.id);
    this.containers.set(c.id, c);
    for (const e of c.endpoints) if (e.ipv4) this.byIp.set(e.ipv4, c.id);
    if (c.compose) this.projects.set(c.compose.project, (this.projects.get(c.compose.project) ?? 0) + 1);
    if (!c.serving) return;
    for (const e of c.endpoints) {
      const addr: Address = { containerId: c.id, ipv4: e.ipv4, ...(e.ipv6 ? { ipv6: e.ipv6 } : {}) };
      let names = this.scoped.get(e.networkId);
      if (!names) this.scoped.set(e.networkId, (names = new Map<string, Map<string, Address>>()));
      for (const n of namesOn(c, e)) put(names, n, addr);
      if (c.compose) put(this.qualified, `${c.compose.service}.${c.compose.project}`, addr);
    }
  }

  remove(id: string): void {
    const c = this.containers.get(id);
    if (!c) return;
    this.containers.delete(id);
    for (const e of c.endpoints) if (this.byIp.get(e.ipv4) === id) this.byIp.delete(e.ipv4);
    if (c.compose) {
      const left = (this.projects.get(c.compose.project) ?? 1) - 1;
      if (left > 0) this.projects.set(c.compose.project, left);
      else this.projects.delete(c.compose.project);
    }
    for (const e of c.endpoints) {
      const names = this.scoped.get(e.networkId);
      if (names) {
        for (const n of namesOn(c, e)) drop(names, n, id);
        if (names.size === 0) this.scoped.delete(e.networkId);
      }
      if (c.compose) drop(this.qualified, `${c.compose.service}.${c.compose.project}`, id);
    }
  }

  /** A container by ID (SRV records name it and its ports). */
  container(id: string): NamedContainer | undefined {
    return this.containers.get(id);
  }

  /** The container at this address, if one of the cluster's has it. */
  containerAt(ip: string): NamedContainer | undefined {
    const id = this.byIp.get(ip);
    return id === undefined ? undefined : this.containers.get(id);
  }

  /** The addresses of `name` on one network. */
  onNetwork(networkId: string, name: string): Address[] {
    return [...(this.scoped.get(networkId)?.get(name)?.values() ?? [])];
  }

  /** `<service>.<project>` from anywhere. */
  qualifiedName(name: string): Address[] {
    return [...(this.qualified.get(name)?.values() ?? [])];
  }

  /** Every network where `name` has addresses, with them (for an asker Shoal cannot place). */
  everywhere(name: string): Map<string, Address[]> {
    const out = new Map<string, Address[]>();
    for (const [net, names] of this.scoped) {
      const hit = names.get(name);
      if (hit && hit.size > 0) out.set(net, [...hit.values()]);
    }
    return out;
  }

  hasProject(project: string): boolean {
    return this.projects.has(project);
  }
}

/** The names a container answers to on one of its networks, as Docker's resolver gives them, and more. */
function namesOn(c: NamedContainer, e: NamedEndpoint): Set<string> {
  const out = new Set<string>([canonical(c.name), c.id.slice(0, 12)]);
  for (const a of e.aliases) out.add(canonical(a));
  if (c.compose) out.add(canonical(c.compose.service));
  if (c.swarmService) {
    out.add(canonical(c.swarmService));
    out.add(`tasks.${canonical(c.swarmService)}`);
  }
  return out;
}

function put(names: Names, name: string, addr: Address): void {
  let m = names.get(name);
  if (!m) names.set(name, (m = new Map<string, Address>()));
  m.set(addr.containerId, addr);
}

function drop(names: Names, name: string, id: string): void {
  const m = names.get(name);
  if (!m) return;
  m.delete(id);
  if (m.size === 0) names.delete(name);
}
