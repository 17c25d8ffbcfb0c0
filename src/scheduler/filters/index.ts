// The filters Shoal knows, by --filter name, in classic's default order.
import type { Filter } from '../types.js';
import { affinityFilter } from './affinity.js';
import { constraintFilter } from './constraint.js';
import { containerslotsFilter } from './containerslots.js';
import { dependencyFilter } from './dependency.js';
import { healthFilter } from './health.js';
import { maxReplicasFilter } from './max-replicas.js';
import { portFilter } from './port.js';
import { taskConstraintFilter } from './task-constraint.js';
import { taskReadyFilter } from './task-ready.js';
import { whitelistFilter } from './whitelist.js';

const ALL: readonly Filter[] = [
  healthFilter,
  portFilter,
  containerslotsFilter,
  dependencyFilter,
  affinityFilter,
  constraintFilter,
  whitelistFilter,
];

export function filterNames(): string[] {
  return ALL.map((f) => f.name);
}

/**
 * Swarm mode's filters for service tasks, after the user's --filter list (and resources). Each is inert
 * (prepare → undefined) for a request without `service`, so `docker run` never meets them.
 */
export function taskFilters(): Filter[] {
  return [taskReadyFilter, taskConstraintFilter, maxReplicasFilter];
}

/** Resolves --filter names (in the user's order); throws classic's text for an unknown one. */
export function filtersByName(names: readonly string[]): Filter[] {
  return names.map((n) => {
    const f = ALL.find((x) => x.name === n);
    if (!f) throw new Error('filter not supported');
    return f;
  });
}
