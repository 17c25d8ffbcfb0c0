// The managers' hosts as peers of the engines' hosts: each manager's resolver addresses are routed to its
// own host, from every engine, without NAT, so the DNS of any manager sees the asking container's address.
// Managers on one host become one peer with all their addresses. Pure.
import { macOf } from './host-paths-id.js';
import { ANY, type HostInfo, type Part } from './plan.js';

/** Another manager as the paths need it: where its host is, and the addresses it serves there. */
export interface ManagerHost {
  /** Its host's address toward the engines. */
  host: string;
  addresses: readonly string[];
}

/** A manager's addresses as parts every network reaches (one host route each). */
export function resolverParts(addresses: readonly string[]): Part[] {
  return addresses.map((a) => ({
    networkId: ANY,
    subnet: `${a}/${a.includes(':') ? 128 : 32}`,
    bridge: 'lo',
  }));
}

/** This manager's host (when it is a peer) and the other managers' hosts, one HostInfo per host address. */
export function managerHosts(self: HostInfo | undefined, others: readonly ManagerHost[]): HostInfo[] {
  const byIp = new Map<string, HostInfo>();
  if (self) byIp.set(self.ip, self);
  for (const m of others) {
    if (m.host === '' || m.addresses.length === 0) continue;
    const had = byIp.get(m.host);
    const parts = [...(had?.parts ?? []), ...resolverParts(m.addresses)];
    const unique = parts.filter((p, i) => parts.findIndex((q) => q.subnet === p.subnet) === i);
    byIp.set(m.host, {
      name: had?.name ?? `manager:${m.host}`,
      ip: m.host,
      mac: had?.mac ?? macOf(`manager:${m.host}`),
      parts: unique,
    });
  }
  return [...byIp.values()];
}
