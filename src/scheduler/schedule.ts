// Placement: a chain of filters, then a strategy. Every rejected node gets a reason, so failures explain themselves.
import type { Expr } from './expr.js';
import { nodeConstraintText } from './node-constraint.js';
import { explainTaskFailure } from './task-explain.js';
import { taskCandidates } from './task-spread.js';
import type {
  Decision,
  Filter,
  NodePredicate,
  NodeSnapshot,
  PlacementRequest,
  RankContext,
  Rejection,
  Strategy,
  TaskPlacement,
} from './types.js';

export interface Scheduler {
  readonly filters: readonly Filter[];
  readonly strategy: Strategy;
}

const HEADER = 'Unable to find a node that satisfies the following conditions ';
/** At thousands of nodes the explanation groups nodes by reason and names a few of each. */
const MAX_GROUPS = 8;
const MAX_NAMES = 5;

function names(nodes: string[]): string {
  if (nodes.length <= MAX_NAMES) return nodes.join(', ');
  return `${nodes.slice(0, MAX_NAMES).join(', ')} and ${nodes.length - MAX_NAMES} more`;
}

const MAX_VERDICTS = 64;
const byScheduler = new WeakMap<Scheduler, Map<string, { nodes: readonly NodeSnapshot[]; ok: Uint8Array }>>();

function verdictsOf(sched: Scheduler): Map<string, { nodes: readonly NodeSnapshot[]; ok: Uint8Array }> {
  let m = byScheduler.get(sched);
  if (!m) byScheduler.set(sched, (m = new Map<string, { nodes: readonly NodeSnapshot[]; ok: Uint8Array }>()));
  return m;
}

/** Every filter's test on one node. */
function verdict(node: NodeSnapshot, tests: readonly NodePredicate[]): boolean {
  for (let i = 0; i < tests.length; i++) if (!(tests[i] as NodePredicate)(node)) return false;
  return true;
}

const scheduleIds = new WeakMap<Scheduler, number>();
let nextScheduleId = 0;

/** What the task filters read of a service's task (not its spread preferences: the filters ignore them). */
function taskSignature(t: TaskPlacement | undefined): string {
  if (t === undefined) return '';
  return [
    // Only max-replicas reads the service: replicas of services alike share verdicts otherwise.
    t.maxReplicas > 0 ? t.serviceId : '',
    t.maxReplicas,
    t.constraints.map(nodeConstraintText).join('\u0001'),
    [...t.avoid].sort().join(','),
  ].join('\u0002');
}

/** Everything filters read from a request (not its name): equal signatures get equal verdicts. */
function signature(sched: Scheduler, req: PlacementRequest): string {
  let id = scheduleIds.get(sched);
  if (id === undefined) scheduleIds.set(sched, (id = nextScheduleId++));
  const exprs = (list: readonly Expr[]) =>
    list.map((e) => `${e.key}${e.op}${e.soft ? '~' : ''}${e.value}`).join('\u0001');
  return [
    id,
    exprs(req.constraints),
    exprs(req.affinities),
    exprs(req.whitelists),
    req.dependencies.map((d) => `${d.kind}:${d.name}`).join(','),
    req.networkMode,
    req.hostPorts.map((p) => `${p.ip}|${p.port}`).join(','),
    req.exposedPorts.join(','),
    req.cpus,
    req.memory,
    taskSignature(req.service),
  ].join('\u0000');
}

const COST: Record<string, number> = {
  constraint: 0,
  whitelist: 0,
  'task-ready': 0,
  'task-constraint': 0,
  health: 1,
  'max-replicas': 1,
  containerslots: 1,
  port: 2,
  resources: 2,
  dependency: 3,
  affinity: 3,
};

function cost(f: Filter): number {
  return COST[f.name] ?? 4;
}

const cheapFirst = new WeakMap<Scheduler, readonly Filter[]>();

/** The scheduler's filters, the cheap and selective ones first: sorted once per scheduler, not per decision. */
function byCost(sched: Scheduler): readonly Filter[] {
  let sorted = cheapFirst.get(sched);
  if (!sorted) cheapFirst.set(sched, (sorted = [...sched.filters].sort((a, b) => cost(a) - cost(b))));
  return sorted;
}

export function hasSoft(req: PlacementRequest): boolean {
  return [...req.constraints, ...req.affinities, ...req.whitelists].some((e) => e.soft);
}

/** The request without its soft expressions: what the second pass places. */
export function withoutSoft(req: PlacementRequest): PlacementRequest {
  return {
    ...req,
    constraints: req.constraints.filter((e) => !e.soft),
    affinities: req.affinities.filter((e) => !e.soft),
    whitelists: req.whitelists.filter((e) => !e.soft),
  };
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
  return pipeline(sched, nodes, withoutSoft(req), ctx);
}

function pipeline(
  sched: Scheduler,
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
  ctx: RankContext,
): Decision {
  if (nodes.length === 0)
    return req.service
      ? explainTaskFailure(sched.filters, nodes, req)
      : { ok: false, message: 'No nodes available in the cluster', rejections: [] };
  // Fast path: each filter compiles the request once; the cheap and selective ones run first (order does
  // not matter for who survives). No bookkeeping: only a failure pays for explanations.
  const tests: NodePredicate[] = [];
  for (const f of byCost(sched)) {
    const t = f.prepare(req);
    if (t) tests.push(t);
  }
  // A snapshot is immutable until its engine changes, so a verdict for this request's signature holds for
  // as long as the snapshot lives: replicas of one service are checked once per node, not once per replica.
  // Between two decisions usually one snapshot changed (the engine that got the last container): an
  // unchanged snapshot at the same position keeps its verdict, found with one pointer comparison.
  const sig = signature(sched, req);
  const verdicts = verdictsOf(sched);
  const prev = verdicts.get(sig);
  const aligned = prev !== undefined && prev.nodes.length === nodes.length ? prev : undefined;
  const ok = new Uint8Array(nodes.length);
  const kept: NodeSnapshot[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as NodeSnapshot;
    const v = aligned !== undefined && aligned.nodes[i] === node ? aligned.ok[i] === 1 : verdict(node, tests);
    if (v) {
      ok[i] = 1;
      kept.push(node);
    }
  }
  if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
  verdicts.set(sig, { nodes, ok });
  if (kept.length > 0) {
    // A service's task goes where SwarmKit would put it (spread preferences, fewest tasks of the service);
    // the strategy chooses among those nodes.
    const choice = req.service
      ? taskCandidates(kept, nodes, req.service, sched.strategy.name === 'binpack')
      : kept;
    const first = sched.strategy.best
      ? sched.strategy.best(choice, req, ctx)
      : sched.strategy.rank(choice, req, ctx)[0];
    if (first) return { ok: true, node: first };
  }
  return req.service ? explainTaskFailure(sched.filters, nodes, req) : explainFailure(sched, nodes, req);
}

/** The nodes every one of these filters accepts (no strategy: the caller takes them all). */
export function passing(
  filters: readonly Filter[],
  nodes: readonly NodeSnapshot[],
  req: PlacementRequest,
): NodeSnapshot[] {
  const tests = filters.flatMap((f) => f.prepare(req) ?? []);
  return nodes.filter((node) => verdict(node, tests));
}

/** Filter by filter, as classic did, recording why each node was rejected, to say which filter emptied the list. */
function explainFailure(sched: Scheduler, nodes: readonly NodeSnapshot[], req: PlacementRequest): Decision {
  let candidates: readonly NodeSnapshot[] = nodes;
  const rejections: Rejection[] = [];
  for (let i = 0; i < sched.filters.length; i++) {
    const filter = sched.filters[i] as Filter;
    const kept: NodeSnapshot[] = [];
    const test = filter.prepare(req);
    for (const node of candidates) {
      if (test === undefined || test(node)) kept.push(node);
      else rejections.push({ filter: filter.name, node: node.name, reason: filter.explain(node, req) });
    }
    if (kept.length === 0) {
      const message =
        filter.noneLeftMessage ?? failureMessage(sched.filters.slice(0, i + 1), req, rejections);
      return { ok: false, message, rejections };
    }
    candidates = kept;
  }
  return { ok: false, message: 'no resources available to schedule container', rejections };
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
  const byFilter = new Map<string, Map<string, string[]>>();
  for (const r of rejections) {
    let groups = byFilter.get(r.filter);
    if (!groups) byFilter.set(r.filter, (groups = new Map<string, string[]>()));
    groups.set(r.reason, [...(groups.get(r.reason) ?? []), r.node]);
  }
  for (const [filter, groups] of byFilter) {
    const count = [...groups.values()].reduce((n, g) => n + g.length, 0);
    const parts = [...groups].slice(0, MAX_GROUPS).map(([reason, nodes]) => `${names(nodes)} (${reason})`);
    if (groups.size > MAX_GROUPS) parts.push(`and ${groups.size - MAX_GROUPS} other reasons`);
    msg += `\n${filter} filter rejected ${count} node${count === 1 ? '' : 's'}: ${parts.join(', ')}`;
  }
  return msg;
}
