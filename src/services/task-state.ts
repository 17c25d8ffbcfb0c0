// Task states in SwarmKit's order, and the one rule about them: a task's state (and its desired state) only
// ever moves forward.

/** SwarmKit's task states, lowest first (`api/types.proto`); the wire form is the lower-case name. */
export const TASK_STATES = [
  'new',
  'allocated',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

const RANK = new Map<string, number>(TASK_STATES.map((s, i) => [s, i]));
const RUNNING = TASK_STATES.indexOf('running');

/** The position of a state in SwarmKit's order; an unknown state ranks below `new`. */
export function rankOf(state: string): number {
  return RANK.get(state) ?? -1;
}

export function isTaskState(value: unknown): value is TaskState {
  return typeof value === 'string' && RANK.has(value);
}

/** Past `running`: the task is over (complete, shutdown, failed, rejected, remove, orphaned). */
export function isTerminal(state: TaskState): boolean {
  return rankOf(state) > RUNNING;
}

/** True when moving from `from` to `to` is allowed: forward only, never back (SwarmKit: no time travel). */
export function canAdvance(from: TaskState, to: TaskState): boolean {
  return rankOf(to) > rankOf(from);
}

/** The later of two states: what a task's state becomes when someone asks for `to`. */
export function advance(from: TaskState, to: TaskState): TaskState {
  return canAdvance(from, to) ? to : from;
}

/** Between `lo` and `hi`, both included. */
export function isBetween(state: TaskState, lo: TaskState, hi: TaskState): boolean {
  const r = rankOf(state);
  return r >= rankOf(lo) && r <= rankOf(hi);
}
