// binpack: the most reserved node that still fits first; equal ones → the one with most containers.
import type { Strategy } from '../src/scheduler/types.js';
import { bestByWeight, rankByWeight } from './weight.js';

export const binpack: Strategy = {
  name: 'binpack',
  rank: (nodes, req, ctx) => rankByWeight(nodes, req, ctx, -1),
  best: (nodes, req, ctx) => bestByWeight(nodes, req, ctx, -1),
};

export default binpack;
