// `port`: a host port can be bound once per node: bridge-mode bindings (of every container, stopped and
// being created included) and ports exposed in host network mode.
import { ipsClash } from '../ports.js';
import { nodeCount } from '../task-explain.js';
import type { Filter, NodeSnapshot, PlacementRequest } from '../types.js';

/** The first clash: the port and who holds it; undefined when the node is free. */
function clash(
  node: NodeSnapshot,
  req: PlacementRequest,
): { port: string; holder: string; host: boolean } | undefined {
  if (req.networkMode === 'host') {
    for (const p of req.exposedPorts) {
      const holder = node.hostModePorts.get(p);
      if (holder !== undefined) return { port: p, holder, host: true };
    }
    return undefined;
  }
  for (const want of req.hostPorts) {
    for (const h of node.hostPorts.get(want.port) ?? []) {
      if (ipsClash(want.ip, h.ip)) return { port: want.port, holder: h.container, host: false };
    }
  }
  return undefined;
}

export const portFilter: Filter = {
  name: 'port',
  explainTasks: (nodes) => `host-mode port already in use on ${nodeCount(nodes)}`,
  conditions: (req) =>
    req.networkMode === 'host'
      ? req.exposedPorts.map((p) => `port ${p} (Host mode)`)
      : req.hostPorts.map((p) => `port ${p.port} (Bridge mode)`),
  prepare(req) {
    if (req.networkMode === 'host') {
      const ports = [...req.exposedPorts];
      if (ports.length === 0) return undefined;
      return (node) => {
        for (let i = 0; i < ports.length; i++) if (node.hostModePorts.has(ports[i] as string)) return false;
        return true;
      };
    }
    const wants = [...req.hostPorts];
    if (wants.length === 0) return undefined;
    return (node) => {
      for (let i = 0; i < wants.length; i++) {
        const want = wants[i] as { ip: string; port: string };
        const held = node.hostPorts.get(want.port);
        if (held === undefined) continue;
        for (let j = 0; j < held.length; j++)
          if (ipsClash(want.ip, (held[j] as { ip: string }).ip)) return false;
      }
      return true;
    };
  },
  explain(node, req) {
    const c = clash(node, req);
    if (!c) return 'port taken';
    const who = c.holder || 'a container being created';
    return c.host ? `port ${c.port} is taken in host mode by ${who}` : `port ${c.port} is taken by ${who}`;
  },
};
