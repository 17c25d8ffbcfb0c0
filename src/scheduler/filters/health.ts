// `health`: only engines that are healthy and have no recent failures can take containers.
import type { Filter } from '../types.js';

export const healthFilter: Filter = {
  name: 'health',
  noneLeftMessage: 'No healthy node available in the cluster',
  prepare: () => (node) => node.healthIndicator > 0,
  explain: () => 'engine is not healthy',
  conditions: () => [],
};
