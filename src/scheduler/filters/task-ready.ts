// `task-ready` (service tasks only): a task goes to a ready, active node that the reconciler does not avoid
// (SwarmKit's ReadyFilter). `docker run` ignores availability, as swarm mode's drain ignores such containers.
import { nodeCount } from '../task-explain.js';
import type { Filter, NodeSnapshot } from '../types.js';

/** SwarmKit's words for nodes that are not ready or not active; the health filter says the same. */
export const notAvailable = (nodes: number): string => `${nodeCount(nodes)} not available for new tasks`;

function why(node: NodeSnapshot): string {
  if (node.healthIndicator <= 0) return 'engine is not healthy';
  if (node.availability !== 'active') return `node availability is ${node.availability}`;
  return 'node avoided for new tasks (down, or leaving)';
}

export const taskReadyFilter: Filter = {
  name: 'task-ready',
  explainTasks: notAvailable,
  conditions: () => [],
  prepare(req) {
    const avoid = req.service?.avoid;
    if (avoid === undefined) return undefined;
    // Ready whatever the --filter list: swarm mode never gives a task to a node that is down, even when
    // the user left classic's health filter out.
    return (node) => node.healthIndicator > 0 && node.availability === 'active' && !avoid.has(node.nodeId);
  },
  explain: why,
};
