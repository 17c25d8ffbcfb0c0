// The nodes a global service may run on: every node whose engine satisfies the service's constraints. A
// node whose engine cannot be seen now (down) keeps its place: whether it still fits is known when it is back.
import type { Pool } from '../../pool/pool.js';
import { nodeMatches, parseNodeConstraints } from '../../scheduler/node-constraint.js';
import type { NodeInfo } from '../types.js';

export function eligibleNodes(
  pool: Pool,
  constraints: readonly string[],
  nodes: readonly NodeInfo[],
): ReadonlySet<string> | undefined {
  if (constraints.length === 0) return undefined;
  let parsed;
  try {
    parsed = parseNodeConstraints(constraints);
  } catch {
    return undefined;
  }
  const out = new Set(nodes.map((n) => n.id));
  for (const snap of pool.snapshot()) if (!nodeMatches(parsed, snap)) out.delete(snap.nodeId);
  return out;
}
