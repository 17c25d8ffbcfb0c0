// `port`: a host port can be bound once per node: bridge-mode bindings (of every container, stopped and
// being created included) and ports exposed in host network mode.
import { ipsClash } from '../ports.js';
import type { Filter } from '../types.js';

export const portFilter: Filter = {
  name: 'port',
  conditions: (req) =>
    req.networkMode === 'host'
      ? req.exposedPorts.map((p) => `port ${p} (Host mode)`)
      : req.hostPorts.map((p) => `port ${p.port} (Bridge mode)`),
  check(node, req) {
    if (req.networkMode === 'host') {
      for (const p of req.exposedPorts) {
        const holder = node.hostModePorts.get(p);
        if (holder !== undefined)
          return `port ${p} is taken in host mode by ${holder || 'a container being created'}`;
      }
      return undefined;
    }
    for (const want of req.hostPorts) {
      for (const held of node.hostPorts.get(want.port) ?? []) {
        if (ipsClash(want.ip, held.ip))
          return `port ${want.port} is taken by ${held.container || 'a container being created'}`;
      }
    }
    return undefined;
  },
};
