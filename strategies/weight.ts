// The score spread and binpack share (classic Swarm's): reservation ratios plus a health term.
import { reservationScore, withOvercommit } from '../src/scheduler/resources.js';
import type { NodeSnapshot, PlacementRequest } from '../src/scheduler/types.js';

/**
 * cpuScore + memScore + healthFactor × healthIndicator. Spread uses healthFactor −10 and picks the lowest;
 * binpack uses +10 and picks the highest, so in both a node with recent failures is avoided.
 */
export function weight(
  node: NodeSnapshot,
  req: PlacementRequest,
  overcommit: number,
  healthFactor: number,
): number {
  const cpu = reservationScore(node.usedCpus, req.cpus, withOvercommit(node.cpus, overcommit));
  const mem = reservationScore(node.usedMemory, req.memory, withOvercommit(node.memory, overcommit));
  return cpu + mem + healthFactor * node.healthIndicator;
}

/** Fisher–Yates with the given random source: remaining ties are broken at random, reproducibly. */
export function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface Ctx {
  rng: () => number;
  overcommit: number;
}

/** Orders by weight (ascending or descending), ties by container count the same way, then at random. */
export function rankByWeight(
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
  ctx: Ctx,
  direction: 1 | -1,
): NodeSnapshot[] {
  const scored = shuffled(nodes, ctx.rng).map((node) => ({
    node,
    w: weight(node, req, ctx.overcommit, direction === 1 ? -10 : 10),
  }));
  scored.sort(
    (a, b) => direction * (a.w - b.w) || direction * (a.node.containers.length - b.node.containers.length),
  );
  return scored.map((s) => s.node);
}

/** The node rankByWeight puts first, in one pass: ties kept with equal chance (reservoir sampling). */
export function bestByWeight(
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
  ctx: Ctx,
  direction: 1 | -1,
): NodeSnapshot | undefined {
  const factor = direction === 1 ? -10 : 10;
  let best: NodeSnapshot | undefined;
  let bestW = 0;
  let bestN = 0;
  let ties = 0;
  for (const node of nodes) {
    const w = weight(node, req, ctx.overcommit, factor);
    const n = node.containers.length;
    const cmp = best === undefined ? -1 : direction * (w - bestW) || direction * (n - bestN);
    if (cmp < 0) {
      best = node;
      bestW = w;
      bestN = n;
      ties = 1;
    } else if (cmp === 0 && ctx.rng() * ++ties < 1) {
      best = node;
    }
  }
  return best;
}
