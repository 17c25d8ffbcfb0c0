// `resources` (always last, not selectable): the node must have the CPUs and memory the container asks for.
import { reservationScore, withOvercommit } from '../resources.js';
import { nodeCount } from '../task-explain.js';
import type { Filter, NodeSnapshot, PlacementRequest } from '../types.js';

function shortfall(node: NodeSnapshot, req: PlacementRequest, overcommit: number): string | undefined {
  const cpuTotal = withOvercommit(node.cpus, overcommit);
  const memTotal = withOvercommit(node.memory, overcommit);
  if (req.cpus > 0 && reservationScore(node.usedCpus, req.cpus, cpuTotal) > 100) {
    return `${req.cpus} CPUs requested, ${node.usedCpus} of ${cpuTotal} reserved`;
  }
  if (req.memory > 0 && reservationScore(node.usedMemory, req.memory, memTotal) > 100) {
    return `${req.memory} bytes of memory requested, ${node.usedMemory} of ${memTotal} reserved`;
  }
  return undefined;
}

export function resourcesFilter(overcommit: number): Filter {
  return {
    name: 'resources',
    noneLeftMessage: 'no resources available to schedule container',
    explainTasks: (nodes) => `insufficient resources on ${nodeCount(nodes)}`,
    conditions: () => [],
    prepare(req) {
      const { cpus, memory } = req;
      if (cpus <= 0 && memory <= 0) return undefined;
      return (node) =>
        (cpus <= 0 || reservationScore(node.usedCpus, cpus, withOvercommit(node.cpus, overcommit)) <= 100) &&
        (memory <= 0 ||
          reservationScore(node.usedMemory, memory, withOvercommit(node.memory, overcommit)) <= 100);
    },
    explain: (node, req) => shortfall(node, req, overcommit) ?? 'not enough resources',
  };
}
