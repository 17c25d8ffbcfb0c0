// Placement: a chain of filters, then a strategy. Every rejected node gets a reason, so failures explain themselves.
import type {
  Decision,
  Filter,
  NodeSnapshot,
  PlacementRequest,
  RankContext,
  Rejection,
  Strategy,
} from './types.js';

export interface Scheduler {
  readonly filters: readonly Filter[];
  readonly strategy: Strategy;
}

const HEADER = 'Unable to find a node that satisfies the following conditions ';

function hasSoft(req: PlacementRequest): boolean {
  return [...req.constraints, ...req.affinities, ...req.whitelists].some((e) => e.soft);
}

/**
 * Soft expressions (`~`) hold in a first pass; when nothing fits, a second pass drops them. The decision
 * (or the explanation) of the last pass run is the answer.
 */
export function schedule(
  sched: Scheduler,
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
  ctx: RankContext,
): Decision {
  const first = pipeline(sched, nodes, req, ctx);
  if (first.ok || !hasSoft(req)) return first;
  const hard: PlacementRequest = {
    ...req,
    constraints: req.constraints.filter((e) => !e.soft),
    affinities: req.affinities.filter((e) => !e.soft),
    whitelists: req.whitelists.filter((e) => !e.soft),
  };
  return pipeline(sched, nodes, hard, ctx);
}

function pipeline(
  sched: Scheduler,
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
  ctx: RankContext,
): Decision {
  if (nodes.length === 0) return { ok: false, message: 'No nodes available in the cluster', rejections: [] };
  let candidates: readonly NodeSnapshot[] = nodes;
  const rejections: Rejection[] = [];
  for (let i = 0; i < sched.filters.length; i++) {
    const filter = sched.filters[i] as Filter;
    const kept: NodeSnapshot[] = [];
    for (const node of candidates) {
      const reason = filter.check(node, req);
      if (reason === undefined) kept.push(node);
      else rejections.push({ filter: filter.name, node: node.name, reason });
    }
    if (kept.length === 0) {
      const message =
        filter.noneLeftMessage ?? failureMessage(sched.filters.slice(0, i + 1), req, rejections);
      return { ok: false, message, rejections };
    }
    candidates = kept;
  }
  const ranked = sched.strategy.rank(candidates, req, ctx);
  const first = ranked[0];
  if (!first) return { ok: false, message: 'no resources available to schedule container', rejections };
  return { ok: true, node: first, ranked };
}

/** Classic's message (first line unchanged for tools that parse it), then why each node was rejected. */
function failureMessage(
  applied: readonly Filter[],
  req: PlacementRequest,
  rejections: readonly Rejection[],
): string {
  let msg = HEADER;
  for (const f of applied) {
    const conds = f.conditions(req);
    if (conds.length > 0) msg += `\n[${conds.join(' ')}]`;
  }
  const byFilter = new Map<string, Rejection[]>();
  for (const r of rejections) byFilter.set(r.filter, [...(byFilter.get(r.filter) ?? []), r]);
  for (const [filter, rs] of byFilter) {
    msg += `\n${filter} filter rejected ${rs.length} node${rs.length === 1 ? '' : 's'}: `;
    msg += rs.map((r) => `${r.node} (${r.reason})`).join(', ');
  }
  return msg;
}
