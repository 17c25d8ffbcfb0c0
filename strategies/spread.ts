// spread (default): the least reserved, healthiest node first; equal ones → the one with fewest containers.
import type { Strategy } from '../src/scheduler/types.js';
import { bestByWeight, rankByWeight } from './weight.js';

export const spread: Strategy = {
  name: 'spread',
  rank: (nodes, req, ctx) => rankByWeight(nodes, req, ctx, 1),
  best: (nodes, req, ctx) => bestByWeight(nodes, req, ctx, 1),
};

export default spread;
