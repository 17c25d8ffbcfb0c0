// `containerslots`: an engine labelled containerslots=N holds at most N containers (any state, pending too).
import { nodeCount } from '../task-explain.js';
import type { Filter, NodeSnapshot } from '../types.js';

function slots(node: NodeSnapshot): number | undefined {
  const raw = node.labels['containerslots'];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export const containerslotsFilter: Filter = {
  name: 'containerslots',
  conditions: () => ['available container slots'],
  // Not a SwarmKit filter: Shoal's own words.
  explainTasks: (nodes) => `no container slots left on ${nodeCount(nodes)}`,
  prepare: () => (node) => {
    if (node.labels['containerslots'] === undefined) return true;
    const n = slots(node);
    return n === undefined || node.containers.length < n;
  },
  explain: (node) => `all ${slots(node) ?? 0} container slots are in use`,
};
