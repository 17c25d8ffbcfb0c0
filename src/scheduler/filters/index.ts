// The filters Shoal knows, by --filter name, in classic's default order.
import type { Filter } from '../types.js';
import { healthFilter } from './health.js';

const ALL: readonly Filter[] = [healthFilter];

export function filterNames(): string[] {
  return ALL.map((f) => f.name);
}

/** Resolves --filter names (in the user's order); throws classic's text for an unknown one. */
export function filtersByName(names: readonly string[]): Filter[] {
  return names.map((n) => {
    const f = ALL.find((x) => x.name === n);
    if (!f) throw new Error('filter not supported');
    return f;
  });
}
