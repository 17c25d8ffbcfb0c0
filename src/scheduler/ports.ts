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
