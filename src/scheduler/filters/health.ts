// `health`: only engines that are healthy and have no recent failures can take containers.
import type { Filter } from '../types.js';
import { notAvailable } from './task-ready.js';

export const healthFilter: Filter = {
  name: 'health',
  noneLeftMessage: 'No healthy node available in the cluster',
  // A down engine is a node that is not ready, in SwarmKit's words.
  explainTasks: notAvailable,
  prepare: () => (node) => node.healthIndicator > 0,
  explain: () => 'engine is not healthy',
  conditions: () => [],
};
