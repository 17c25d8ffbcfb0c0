// Host ports a container binds, from Docker's PortBindings-shaped maps (configured and allocated).

export interface HostPortBinding {
  HostIp?: string;
  HostPort?: string;
}

export function hostPortsOf(
  ...maps: (Record<string, HostPortBinding[] | null> | null | undefined)[]
): { ip: string; port: string }[] {
  const out = new Map<string, { ip: string; port: string }>();
  for (const map of maps) {
    for (const bindings of Object.values(map ?? {})) {
      for (const b of bindings ?? []) {
        if (!b.HostPort) continue;
        const ip = b.HostIp ?? '';
        out.set(`${ip}|${b.HostPort}`, { ip, port: b.HostPort });
      }
    }
  }
  return [...out.values()];
}

/** Who holds which host ports on a node: computed once per snapshot, so the port filter is O(1) a node. */
export function indexPorts(
  containers: readonly {
    name: string;
    networkMode: string;
    hostPorts: readonly { ip: string; port: string }[];
    exposedPorts: readonly string[];
  }[],
): { hostPorts: Map<string, { ip: string; container: string }[]>; hostModePorts: Map<string, string> } {
  const hostPorts = new Map<string, { ip: string; container: string }[]>();
  const hostModePorts = new Map<string, string>();
  for (const c of containers) {
    for (const p of c.hostPorts) {
      let list = hostPorts.get(p.port);
      if (!list) hostPorts.set(p.port, (list = []));
      list.push({ ip: p.ip, container: c.name });
    }
    if (c.networkMode === 'host') for (const p of c.exposedPorts) hostModePorts.set(p, c.name);
  }
  return { hostPorts, hostModePorts };
}

const ANY = new Set(['', '0.0.0.0', '::']);

/** Two bindings of one host port clash when on the same address or when either binds every address. */
export function ipsClash(a: string, b: string): boolean {
  return a === b || ANY.has(a) || ANY.has(b);
}
