// What one engine's host needs so that its containers reach the other engines' parts of every cluster
// network: for each peer engine, a path (a direct route, or VXLAN), routes to the peer's parts, and
// forwarding and no-NAT rules between the parts of the same network. Pure: engines in, a plan out.

/** How a peer is reached: `auto` decides on the host (direct when the peer is on a link of its own). */
export type PathMode = 'auto' | 'vxlan' | 'direct';

/**
 * One engine's part of a cluster network: its subnet and the Linux bridge behind it on that host. A part of
 * network `*` is reachable from every network (Shoal's own resolver address on the manager's host).
 */
export interface Part {
  networkId: string;
  subnet: string;
  bridge: string;
}

export interface HostInfo {
  /** The engine's name (`node-1`), for status lines. */
  name: string;
  /** The address other hosts reach it at (tunnel endpoint, next hop). */
  ip: string;
  /** Its tunnel device's MAC (stable, from the engine's ID). */
  mac: string;
  parts: readonly Part[];
}

export interface PeerPlan {
  name: string;
  ip: string;
  mac: string;
  mode: PathMode;
  /** The peer's parts of networks this host also has: routed to the peer. */
  subnets: string[];
}

export interface HostPlan {
  self: HostInfo;
  vni: number;
  peers: PeerPlan[];
  /** Forwarding accepted between a local part (its bridge) and a remote part of the same network. */
  accept: { bridge: string; remote: string }[];
  /** No masquerading from a local part to a remote part of the same network: peers see real addresses. */
  noNat: { local: string; remote: string }[];
}

/** The network ID of a part every network reaches. */
export const ANY = '*';

/** The plan for `self` among `all` hosts (self included or not). Peers without a shared network are left out. */
export function planFor(self: HostInfo, all: readonly HostInfo[], mode: PathMode, vni: number): HostPlan {
  const local = new Map(self.parts.map((p) => [p.networkId, p]));
  const peers: PeerPlan[] = [];
  const accept: HostPlan['accept'] = [];
  const noNat: HostPlan['noNat'] = [];
  for (const peer of all) {
    if (peer.ip === self.ip || peer.ip === '') continue;
    const subnets: string[] = [];
    for (const part of peer.parts) {
      const mine =
        part.networkId === ANY
          ? self.parts
          : local.has(ANY)
            ? [local.get(ANY) as Part]
            : [local.get(part.networkId)].filter((p): p is Part => p !== undefined);
      // The manager's resolver address is routed from every host, parts or not (a container on the
      // default bridge asks it too, masqueraded).
      if ((mine.length === 0 && part.networkId !== ANY) || mine.some((m) => m.subnet === part.subnet))
        continue;
      subnets.push(part.subnet);
      for (const m of mine) {
        if (m.networkId === ANY) continue;
        accept.push({ bridge: m.bridge, remote: part.subnet });
        noNat.push({ local: m.subnet, remote: part.subnet });
      }
    }
    if (subnets.length > 0) peers.push({ name: peer.name, ip: peer.ip, mac: peer.mac, mode, subnets });
  }
  peers.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  return { self, vni, peers, accept, noNat };
}
