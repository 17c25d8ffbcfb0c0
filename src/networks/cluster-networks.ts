// Cluster networks: one network per name across the pool, made of one bridge network on every engine,
// each engine's part on a subnet of its own so container addresses are unique in the cluster. The parts
// carry the cluster ID in a label, so the cluster view is rebuilt from the engines themselves.
import type { Engine } from '../engine/engine.js';
import type { NetworkSummary } from '../engine/resource-lists.js';
import { cidrText, gateway, overlaps, parseCidr, parts, type Subnet } from './cidr.js';
import type { Pool } from '../pool/pool.js';
import type { Store } from '../store/store.js';
import type { PathKeeper } from './paths/keeper.js';

export const CLUSTER_LABEL = 'com.docker.shoal.network.id';
/** An engine label naming the pool its parts of cluster networks come from (so hosts can route to it). */
export const ENGINE_POOL_LABEL = 'shoal.network-pool';
export const BUILTIN_NETWORKS = new Set(['bridge', 'host', 'none']);

/** What cluster-network work needs: the engines, the state store and the pool subnets come from. */
export interface NetworkDeps {
  readonly pool: Pool;
  readonly store: Store;
  /** --network-pool */
  readonly networkPool: string;
  /** Cross-engine paths between the engines' parts (absent or off: the hosts route themselves). */
  readonly paths?: PathKeeper;
}

export interface ClusterNetwork {
  id: string;
  name: string;
  parts: Map<Engine, NetworkSummary>;
}

/** The cluster networks, as the healthy engines' labelled networks say. */
export function clusterNetworks(pool: Pool): Map<string, ClusterNetwork> {
  const out = new Map<string, ClusterNetwork>();
  for (const engine of pool.healthy()) {
    for (const n of engine.lists.networks) {
      const id = n.Labels?.[CLUSTER_LABEL];
      if (!id) continue;
      let c = out.get(id);
      if (!c) out.set(id, (c = { id, name: n.Name, parts: new Map() }));
      c.parts.set(engine, n);
    }
  }
  return out;
}

export type NetworkRef =
  { kind: 'cluster'; network: ClusterNetwork } | { kind: 'local'; engine: Engine; network: NetworkSummary };

/**
 * A network by cluster ID, name, ID prefix, `<node>/<name>`, or an engine's own network ID. A name shared
 * by the built-in networks of several engines is ambiguous and finds nothing (as classic).
 */
export function findNetwork(pool: Pool, ref: string): NetworkRef | undefined {
  const cluster = clusterNetworks(pool);
  const byCluster = [...cluster.values()];
  const exact = cluster.get(ref) ?? byCluster.find((c) => c.name === ref);
  if (exact) return { kind: 'cluster', network: exact };
  const slash = ref.indexOf('/');
  if (slash > 0) {
    const engine = pool.engine(ref.slice(0, slash));
    const name = ref.slice(slash + 1);
    const n = engine?.lists.networks.find((x) => x.Name === name || x.Id === name);
    if (engine && n)
      return n.Labels?.[CLUSTER_LABEL]
        ? { kind: 'cluster', network: cluster.get(n.Labels[CLUSTER_LABEL]) as ClusterNetwork }
        : { kind: 'local', engine, network: n };
  }
  const locals: NetworkRef[] = [];
  for (const engine of pool.healthy()) {
    for (const n of engine.lists.networks) {
      const cid = n.Labels?.[CLUSTER_LABEL];
      if (n.Id === ref)
        return cid && cluster.has(cid)
          ? { kind: 'cluster', network: cluster.get(cid) as ClusterNetwork }
          : { kind: 'local', engine, network: n };
      if (!cid && n.Name === ref) locals.push({ kind: 'local', engine, network: n });
    }
  }
  if (locals.length === 1) return locals[0];
  if (locals.length > 1) return undefined;
  const prefixed = byCluster.filter((c) => c.id.startsWith(ref));
  if (prefixed.length === 1 && prefixed[0]) return { kind: 'cluster', network: prefixed[0] };
  return undefined;
}

function subnetsOf(networks: readonly NetworkSummary[]): Subnet[] {
  return networks.flatMap((n) =>
    (n.IPAM?.Config ?? [])
      .map((c) => (c.Subnet ? parseCidr(c.Subnet) : undefined))
      .filter((s): s is Subnet => s !== undefined),
  );
}

/** Subnets handed out and not yet visible in an engine's network list (creates in flight). */
const inFlight = new Set<string>();

/**
 * A free /24 for an engine's part: from the engine's own pool label when it has one (its hosts route that
 * pool to it), else from the cluster pool, avoiding every subnet in use on any engine and the `reserved`
 * ones (recorded for engines that are away, which get theirs back when they return).
 */
export function allocateSubnet(
  pool: Pool,
  engine: Engine,
  clusterPool: string,
  reserved: readonly string[] = [],
): string | undefined {
  const own = engine.specs?.labels[ENGINE_POOL_LABEL];
  const source = parseCidr(own ?? clusterPool);
  if (!source) return undefined;
  const used = [
    ...(own ? subnetsOf(engine.lists.networks) : pool.healthy().flatMap((e) => subnetsOf(e.lists.networks))),
    ...reserved.map(parseCidr).filter((s): s is Subnet => s !== undefined),
  ];
  for (const part of parts(source, Math.max(24, source.prefix))) {
    const text = cidrText(part);
    if (inFlight.has(text) || used.some((u) => overlaps(u, part))) continue;
    inFlight.add(text);
    setTimeout(() => inFlight.delete(text), 30_000).unref();
    return text;
  }
  return undefined;
}

export function ipamFor(subnet: string): { Driver: string; Config: { Subnet: string; Gateway: string }[] } {
  const s = parseCidr(subnet) as Subnet;
  return { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway(s) }] };
}
