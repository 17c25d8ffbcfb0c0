// `max-replicas` (service tasks only): Placement.MaxReplicas, at most that many of the service's tasks a node,
// those being created included.
import { serviceTasksOn } from '../task-count.js';
import type { Filter } from '../types.js';

export const maxReplicasFilter: Filter = {
  name: 'max-replicas',
  // SwarmKit's words, count and all.
  explainTasks: () => 'max replicas per node limit exceed',
  conditions: (req) => (req.service ? [`max replicas per node ${req.service.maxReplicas}`] : []),
  prepare(req) {
    const s = req.service;
    if (s === undefined || s.maxReplicas <= 0) return undefined;
    const { serviceId, maxReplicas } = s;
    return (node) => serviceTasksOn(node, serviceId) < maxReplicas;
  },
  explain(node, req) {
    const s = req.service;
    const n = s ? serviceTasksOn(node, s.serviceId) : 0;
    return `${n} tasks of the service already on the node (max ${s?.maxReplicas ?? 0})`;
  },
};
