// `resources` (always last, not selectable): the node must have the CPUs and memory the container asks for.
import { withOvercommit } from '../resources.js';
import type { Filter, NodeSnapshot, PlacementRequest } from '../types.js';

/** Classic's integer score: share of the (overcommitted) total in use after placing the request. */
export function reservationScore(used: number, requested: number, total: number): number {
  if (requested <= 0) return 100;
  if (total <= 0) return Number.POSITIVE_INFINITY;
  return Math.trunc(((used + requested) * 100) / total);
}

export function resourcesFilter(overcommit: number): Filter {
  return {
    name: 'resources',
    noneLeftMessage: 'no resources available to schedule container',
    conditions: () => [],
    check(node: NodeSnapshot, req: PlacementRequest) {
      const cpuTotal = withOvercommit(node.cpus, overcommit);
      const memTotal = withOvercommit(node.memory, overcommit);
      if (req.cpus > 0 && reservationScore(node.usedCpus, req.cpus, cpuTotal) > 100) {
        return `${req.cpus} CPUs requested, ${node.usedCpus} of ${cpuTotal} reserved`;
      }
      if (req.memory > 0 && reservationScore(node.usedMemory, req.memory, memTotal) > 100) {
        return `${req.memory} bytes of memory requested, ${node.usedMemory} of ${memTotal} reserved`;
      }
      return undefined;
    },
  };
}
