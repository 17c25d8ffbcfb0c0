// random: any node that fits, uniformly (unlike classic, resources are still checked, by the resources filter).
import type { Strategy } from '../src/scheduler/types.js';
import { shuffled } from './weight.js';

export const random: Strategy = {
  name: 'random',
  rank: (nodes, _req, ctx) => shuffled(nodes, ctx.rng),
  best: (nodes, _req, ctx) => nodes[Math.floor(ctx.rng() * nodes.length)],
};

export default random;
