// Why a decision went the way it did: every node's verdict, filter by filter, in one line and in detail.
// Computed only when someone asks (the cluster view), from the snapshot and request the decision saw.
import { hasSoft, withoutSoft, type Scheduler } from './schedule.js';
import type { Decision, Filter, NodeSnapshot, PlacementRequest, Rejection } from './types.js';

export interface Explanation {
  /** The request's conditions, as the filters word them (`storage==ssd`, `port 80`). */
  readonly conditions: readonly string[];
  /** The nodes every filter accepted (after a failure: none). */
  readonly eligible: readonly string[];
  /** The other nodes, each with a filter that rejected it and why. */
  readonly rejected: readonly Rejection[];
  /** Nothing fit the soft expressions (`~`), so the decision was made without them. */
  readonly softDropped: boolean;
  /** One line: why this node, or why none. */
  readonly reason: string;
}

/** How a strategy chooses among the eligible nodes, for the ones Shoal ships. */
const HOW: Record<string, string> = {
  spread: 'the least reserved CPU and memory',
  binpack: 'the most reserved CPU and memory that still fits',
  random: 'at random',
};
const MAX_NAMED = 5;
/** Filters whose conditions every request has: left out of the request's conditions. */
const ALWAYS = new Set(['health', 'containerslots']);

function verdicts(
  filters: readonly Filter[],
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
): { eligible: string[]; rejected: Rejection[] } {
  const tests = filters.map((f) => f.prepare(req));
  const eligible: string[] = [];
  const rejected: Rejection[] = [];
  for (const node of nodes) {
    const i = tests.findIndex((t) => t !== undefined && !t(node));
    const f = filters[i];
    if (f === undefined) eligible.push(node.name);
    else rejected.push({ filter: f.name, node: node.name, reason: f.explain(node, req) });
  }
  return { eligible, rejected };
}

function named(names: readonly string[]): string {
  if (names.length <= MAX_NAMED) return names.join(', ');
  return `${names.slice(0, MAX_NAMED).join(', ')} and ${names.length - MAX_NAMED} more`;
}

/** The explanation of `decision`, made by `sched` for `req` on `nodes`. */
export function explainDecision(
  sched: Scheduler,
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
  decision: Decision,
): Explanation {
  let used = req;
  let v = verdicts(sched.filters, nodes, req);
  const softDropped = v.eligible.length === 0 && hasSoft(req);
  if (softDropped) {
    used = withoutSoft(req);
    v = verdicts(sched.filters, nodes, used);
  }
  // The conditions the request itself set (not what every request is checked for, like container slots).
  const conditions = sched.filters.filter((f) => !ALWAYS.has(f.name)).flatMap((f) => f.conditions(used));
  if (!decision.ok)
    return { conditions, eligible: [], rejected: decision.rejections, softDropped, reason: decision.message };
  const strategy = sched.strategy.name;
  const how = HOW[strategy];
  const { eligible } = v;
  let reason =
    eligible.length === 1
      ? `${decision.node.name} was the only eligible engine of ${nodes.length}`
      : `${strategy} chose ${decision.node.name}${how ? ` (${how})` : ''} among ${eligible.length} eligible engines of ${nodes.length} (${named(eligible)})`;
  const byFilter = new Map<string, string[]>();
  for (const r of v.rejected) byFilter.set(r.filter, [...(byFilter.get(r.filter) ?? []), r.node]);
  for (const [filter, names] of byFilter) reason += `; ${filter} rejected ${named(names)}`;
  if (conditions.length > 0) reason += `; conditions: ${conditions.join(', ')}`;
  if (softDropped) reason += '; soft expressions dropped: no engine matched them';
  if (req.service) reason += '; a task goes where its service has fewest tasks first';
  return { conditions, eligible: v.eligible, rejected: v.rejected, softDropped, reason };
}

/**
 * The filter a failed decision is counted under: for a container, the filter that left no node (the last to
 * reject, as classic's filters run in turn); for a service task, the one that rejected most nodes.
 */
export function failingFilter(decision: Decision, isTask: boolean): string {
  if (decision.ok) return '';
  const rs = decision.rejections;
  if (rs.length === 0) return 'none';
  if (!isTask) return (rs[rs.length - 1] as Rejection).filter;
  const counts = new Map<string, number>();
  for (const r of rs) counts.set(r.filter, (counts.get(r.filter) ?? 0) + 1);
  let best = '';
  let most = 0;
  for (const [f, n] of counts) if (n > most) [best, most] = [f, n];
  return best;
}
