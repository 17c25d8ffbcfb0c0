// The cluster's names: which addresses a name has on each network, kept container by container (a change
// of one container touches only its own names). Pure: containers in, lookups out.
import { addressBytes } from './wire.js';

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
  /** The `--dns` it was created with (`ip[:port]`): its own upstreams for names that are not Shoal's. */
  upstreams?: readonly string[];
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
  /** The addresses' wire bytes, made once when the container is indexed (answers copy them). */
  readonly v4Bytes: Buffer;
  readonly v6Bytes?: Buffer;
}

/** One name's addresses, by container, and the same as a list made once per change (queries only read it). */
class NameEntry {
  readonly byContainer = new Map<string, Address>();
  private list: readonly Address[] | undefined;

  get size(): number {
    return this.byContainer.size;
  }

  addresses(): readonly Address[] {
    this.list ??= [...this.byContainer.values()];
    return this.list;
  }

  set(a: Address): void {
    this.byContainer.set(a.containerId, a);
    this.list = undefined;
  }

  delete(id: string): void {
    if (this.byContainer.delete(id)) this.list = undefined;
  }
}

/** One change of the index, as its copies (the DNS worker processes) are told it. */
export type NameChange = { set: NamedContainer } | { remove: string };

/** Where a copy of the cluster's names comes from: all of them now, then each change. */
export interface NameFeed {
  snapshot(): NamedContainer[];
  follow(listener: (changes: readonly NameChange[]) => void): void;
}

type Names = Map<string, NameEntry>;
const NONE: readonly Address[] = Object.freeze([]);

/** A name as looked up: lower case, no trailing dot. */
export function canonical(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

export class NameIndex {
  /** network → name → container → address. */
  private readonly scoped = new Map<string, Names>();
  /** `<service>.<project>`: usable from any network. */
  private readonly qualified: Names = new Map();
  private readonly byIp = new Map<string, string>();
  private readonly containers = new Map<string, NamedContainer>();
  private readonly projects = new Map<string, number>();
  /** For an asker Shoal cannot place: each name's one answer, or null when networks disagree (cleared on change). */
  private readonly unplaced = new Map<string, readonly Address[] | null>();

  get size(): number {
    return this.containers.size;
  }

  /** Adds or replaces a container's names; a container not serving keeps none. */
  set(c: NamedContainer): void {
    this.remove(c.id);
    this.unplaced.clear();
    this.containers.set(c.id, c);
    for (const e of c.endpoints) if (e.ipv4) this.byIp.set(e.ipv4, c.id);
    if (c.compose) this.projects.set(c.compose.project, (this.projects.get(c.compose.project) ?? 0) + 1);
    if (!c.serving) return;
    for (const e of c.endpoints) {
      const addr: Address = {
        containerId: c.id,
        ipv4: e.ipv4,
        v4Bytes: addressBytes(e.ipv4),
        ...(e.ipv6 ? { ipv6: e.ipv6, v6Bytes: addressBytes(e.ipv6) } : {}),
      };
      let names = this.scoped.get(e.networkId);
      if (!names) this.scoped.set(e.networkId, (names = new Map<string, NameEntry>()));
      for (const n of namesOn(c, e)) put(names, n, addr);
      if (c.compose) put(this.qualified, `${c.compose.service}.${c.compose.project}`, addr);
    }
  }

  remove(id: string): void {
    const c = this.containers.get(id);
    if (!c) return;
    this.unplaced.clear();
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

  apply(changes: readonly NameChange[]): void {
    for (const c of changes) {
      if ('set' in c) this.set(c.set);
      else this.remove(c.remove);
    }
  }

  /** Every indexed container (a copy of the index starts from them). */
  all(): IterableIterator<NamedContainer> {
    return this.containers.values();
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

  /** The addresses of `name` on one network (a shared list: read it, do not change it). */
  onNetwork(networkId: string, name: string): readonly Address[] {
    return this.scoped.get(networkId)?.get(name)?.addresses() ?? NONE;
  }

  /** `<service>.<project>` from anywhere. */
  qualifiedName(name: string): readonly Address[] {
    return this.qualified.get(name)?.addresses() ?? NONE;
  }

  /** Every network where `name` has addresses, with them (for an asker Shoal cannot place). */
  everywhere(name: string): Map<string, readonly Address[]> {
    const out = new Map<string, readonly Address[]>();
    for (const [net, names] of this.scoped) {
      const hit = names.get(name);
      if (hit && hit.size > 0) out.set(net, hit.addresses());
    }
    return out;
  }

  /**
   * `name` for an asker Shoal cannot place: the addresses when one network has it (or several have the same
   * containers: multi-homed), null when they disagree, an empty list when none has it. Worked out once per
   * name until the index changes.
   */
  unambiguous(name: string): readonly Address[] | null {
    const known = this.unplaced.get(name);
    if (known !== undefined) return known;
    const found = this.everywhere(name);
    const sets = new Set(
      [...found.values()].map((l) =>
        l
          .map((a) => a.containerId)
          .sort()
          .join(','),
      ),
    );
    const answer = sets.size > 1 ? null : ([...found.values()][0] ?? NONE);
    if (this.unplaced.size > 10_000) this.unplaced.clear();
    this.unplaced.set(name, answer);
    return answer;
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
  if (!m) names.set(name, (m = new NameEntry()));
  m.set(addr);
}

function drop(names: Names, name: string, id: string): void {
  const m = names.get(name);
  if (!m) return;
  m.delete(id);
  if (m.size === 0) names.delete(name);
}
