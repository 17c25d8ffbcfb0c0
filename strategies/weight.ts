// The score spread and binpack share (classic Swarm's): reservation ratios plus a health term.
import { reservationScore } from '../src/scheduler/filters/resources.js';
import { withOvercommit } from '../src/scheduler/resources.js';
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

/** Orders by weight (ascending or descending), ties by container count the same way, then at random. */
export function rankByWeight(
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
  ctx: { rng: () => number; overcommit: number },
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
