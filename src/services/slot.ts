// One slot of a service (for a global service: one node): its tasks, oldest first. At most one of them is
// meant to run (the keeper); a keeper that ended, or whose node was lost, is replaced in the same slot.
// During a start-first update the old task runs on beside it (outgoing) until the updater lets it go.
import type { Freshness } from './dirty.js';
import { isActive, isLive, type Pass, type TaskView } from './pass.js';
import { restartVerdict } from './restart.js';
import { isTerminal, rankOf } from './task-state.js';
import type { Service } from './types.js';

export interface SlotRole {
  /** 1.. for replicated, 0 for global. */
  slot: number;
  /** Global: the node the slot is. */
  nodeId?: string;
  /** Replicated: a keeper on a node that is down, drained or gone moves elsewhere. */
  moveOnNodeLoss: boolean;
  /** Global on a paused node: nothing new is placed or started there. */
  frozen: boolean;
}

/** Groups views by key, each group oldest first, and links every view to its group. */
export function groupBy<K>(views: readonly TaskView[], keyOf: (v: TaskView) => K): Map<K, TaskView[]> {
  const groups = new Map<K, TaskView[]>();
  for (const v of views) {
    const key = keyOf(v);
    const g = groups.get(key);
    if (g) g.push(v);
    else groups.set(key, [v]);
  }
  for (const g of groups.values()) {
    if (g.length > 1) g.sort(olderFirst);
    for (const v of g) v.group = g;
  }
  return groups;
}

/** Creation order; ISO timestamps of one length compare as text (the common case), others as dates. */
function olderFirst(a: TaskView, b: TaskView): number {
  const x = a.task.CreatedAt;
  const y = b.task.CreatedAt;
  const byTime =
    x.length === y.length ? (x < y ? -1 : x > y ? 1 : 0) : (Date.parse(x) || 0) - (Date.parse(y) || 0);
  return byTime || (a.task.ID < b.task.ID ? -1 : a.task.ID > b.task.ID ? 1 : 0);
}

/**
 * The slot is taken: a task is meant to run in it, or its last task ended and its restart policy says
 * that is that (restart condition none, on-failure after a success, MaxAttempts used up).
 */
export function isOccupied(pass: Pass, service: Service, group: readonly TaskView[]): boolean {
  if (group.some((v) => !v.removed && isActive(v.desired))) return true;
  const newest = group.at(-1);
  if (!newest || newest.removed || newest.desired !== 'shutdown') return false;
  if (!isTerminal(newest.state)) return newest.nodeUp; // still stopping; a node that is down has lost it
  return !restartVerdict(newest.task, newest.state, service.SpecVersion, pass.now).restart;
}

/**
 * Of the tasks meant to run in a slot (but those in `skip`), the one that keeps it: one whose process runs,
 * else one still going, else the newest.
 */
export function pickKeeper(group: readonly TaskView[], skip?: ReadonlySet<TaskView>): TaskView | undefined {
  let best: TaskView | undefined;
  for (const v of group) {
    if (v.removed || !isActive(v.desired) || skip?.has(v)) continue;
    if (!best || keeperScore(v) >= keeperScore(best)) best = v;
  }
  return best;
}

/**
 * A start-first update's old tasks: out of date and meant to run beside an up-to-date task meant to run.
 * Only that update makes such a pair (a restart or a move shuts the old task down as it makes the new).
 */
export function outgoingOf(group: readonly TaskView[], fresh: Freshness): Set<TaskView> {
  const active = group.filter((v) => !v.removed && isActive(v.desired));
  if (active.length < 2 || !active.some((v) => !fresh.dirty(v.task))) return new Set();
  return new Set(active.filter((v) => fresh.dirty(v.task)));
}

function keeperScore(v: TaskView): number {
  return (isLive(v) && v.state === 'running' ? 2 : 0) + (isTerminal(v.state) ? 0 : 1);
}

/**
 * Brings one slot in line: one keeper, replaced if it ended or lost its node, placed and started in turn.
 * Outgoing tasks (start-first) are left to the updater, unless they ended or lost their node.
 */
export function settle(
  pass: Pass,
  service: Service,
  group: readonly TaskView[],
  role: SlotRole,
  fresh: Freshness,
): void {
  const outgoing = outgoingOf(group, fresh);
  const keeper = pickKeeper(group, outgoing);
  for (const v of group) {
    if (v === keeper || v.removed || !isActive(v.desired)) continue;
    if (!outgoing.has(v)) pass.retire(v, 'another task holds its slot');
    else if (isTerminal(v.state) || nodeLoss(v) !== undefined)
      pass.shutdown(v, 'shutdown', 'its up-to-date successor holds the slot');
  }
  if (!keeper || role.frozen) return;
  // What runs beside the keeper on its way out does not make the keeper wait.
  const others = group.filter((o) => o !== keeper && !outgoing.has(o));
  const lost = role.moveOnNodeLoss ? nodeLoss(keeper) : undefined;
  if (lost !== undefined || isTerminal(keeper.state)) {
    replace(pass, service, others, keeper, role, lost);
    return;
  }
  // A restarted task is placed only once its restart delay is over: placing makes its container (pulling
  // its image), so an image that cannot be pulled would otherwise be tried again at once, without end.
  if ((keeper.task.NotBefore ?? 0) > pass.now) return;
  if (rankOf(keeper.state) < rankOf('assigned')) pass.place(keeper, role.nodeId);
  // Desired `ready` (or anything else short of running): it waits for the slot to be free.
  if (keeper.desired !== 'running' && !others.some(isLive)) pass.start(keeper);
}

/** Why a placed task's node cannot keep it, if it cannot. */
export function nodeLoss(v: TaskView): string | undefined {
  if (v.task.NodeID === '') return undefined;
  if (!v.node) return 'node left the cluster';
  if (v.node.state === 'down') return 'node down';
  if (v.node.availability === 'drain') return 'node drained';
  return undefined;
}

/** The keeper ended or lost its node: its successor, waiting while one of `others` is still alive. */
function replace(
  pass: Pass,
  service: Service,
  others: readonly TaskView[],
  keeper: TaskView,
  role: SlotRole,
  lost: string | undefined,
): void {
  const t = keeper.task;
  // A task that lost its node did not fail: it moves at once, and it is not counted as a restart.
  const verdict =
    lost !== undefined
      ? {
          restart: true as const,
          delayMs: 0,
          history: t.SpecVersion === service.SpecVersion ? t.RestartHistory : undefined,
        }
      : restartVerdict(t, keeper.state, service.SpecVersion, pass.now);
  const why = lost ?? `task ${keeper.state}`;
  pass.shutdown(keeper, 'shutdown', verdict.restart ? why : `${why}; ${verdict.reason}`);
  if (!verdict.restart) return;
  const notBefore = verdict.delayMs > 0 ? pass.now + verdict.delayMs : undefined;
  // It waits (desired `ready`) for its delay, and for the old task's process to stop: one runs at a time.
  const wait = notBefore !== undefined || isLive(keeper) || others.some(isLive);
  pass.create({
    serviceId: service.ID,
    slot: role.slot,
    ...(role.nodeId === undefined ? {} : { nodeId: role.nodeId }),
    specVersion: service.SpecVersion,
    desiredState: wait ? 'ready' : 'running',
    ...(notBefore === undefined ? {} : { notBefore }),
    ...(verdict.history === undefined ? {} : { restartHistory: verdict.history }),
    replaces: t.ID,
    reason: `replaces ${t.ID}: ${why}`,
  });
}

/** History: at most `limit` tasks per slot, removing the oldest that are over; never the newest. */
export function trim(pass: Pass, group: readonly TaskView[]): void {
  const limit = pass.limits.historyLimit;
  if (limit < 0 || group.length <= limit) return;
  const kept = group.filter((v) => !v.removed);
  let excess = kept.length - limit;
  const newest = kept.at(-1);
  for (const v of kept) {
    if (excess <= 0) return;
    if (v === newest || isActive(v.desired) || !isTerminal(v.state) || v.facts?.running) continue;
    pass.drop(v, 'task history limit');
    excess--;
  }
}
