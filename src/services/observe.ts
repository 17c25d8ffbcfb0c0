// A task's observed state, worked out from its container and its node: plain engines have no swarm agent,
// so this stands in for it. The answer only ever moves a task's state forward.
import { canAdvance, isBetween, isTerminal, rankOf, type TaskState } from './task-state.js';
import type { ContainerFacts, ContainerStatus, NodeInfo, Task } from './types.js';

/** A status change for markTask. */
export interface Mark {
  state: TaskState;
  message: string;
  err?: string;
  containerStatus?: ContainerStatus;
}

export interface ObserveLimits {
  orphanAfterMs: number;
  goneGraceMs: number;
  prepareTimeoutMs: number;
}

/**
 * The state `task` has moved to, or undefined if it has not moved. `facts` are its container's (on the
 * task's own node), `node` is its node (undefined if the task is unplaced or its node left the pool).
 */
export function observe(
  task: Task,
  facts: ContainerFacts | undefined,
  node: NodeInfo | undefined,
  now: number,
  limits: ObserveLimits,
): Mark | undefined {
  // An ended task keeps the way it ended (a complete task stopped later is still complete).
  if (isTerminal(task.Status.State)) return undefined;
  // The common case, answered without building a mark: running, and its container says so.
  if (task.Status.State === 'running' && facts?.running && !facts.unhealthy && node?.state === 'ready')
    return undefined;
  const mark = observed(task, facts, node, now, limits);
  return mark && canAdvance(task.Status.State, mark.state) ? mark : undefined;
}

function observed(
  task: Task,
  facts: ContainerFacts | undefined,
  node: NodeInfo | undefined,
  now: number,
  limits: ObserveLimits,
): Mark | undefined {
  const stopping = rankOf(task.DesiredState) >= rankOf('shutdown');
  const shutdown: Mark = { state: 'shutdown', message: 'shutdown' };
  const placed = rankOf(task.Status.State) >= rankOf('assigned');
  if (task.NodeID === '') {
    // Never placed, so there is no container to wait for (placed without a node makes no sense: it failed).
    if (stopping) return shutdown;
    return placed ? { state: 'rejected', message: 'assigned', err: 'the task has no node' } : undefined;
  }
  if (!node) return { state: 'orphaned', message: 'node left the cluster' };
  if (node.state === 'down') {
    // Its container is out of reach: nothing is known, until SwarmKit's patience runs out.
    const downFor = node.downSince === undefined ? 0 : now - node.downSince;
    return downFor >= limits.orphanAfterMs ? { state: 'orphaned', message: 'node down' } : undefined;
  }
  if (facts) return fromContainer(facts, stopping);
  // A global task knows its node before it is placed; until then it has no container either.
  if (!placed) return stopping ? shutdown : undefined;
  return missingContainer(task, stopping, now, limits);
}

function fromContainer(f: ContainerFacts, stopping: boolean): Mark {
  const containerStatus = { ContainerID: f.containerId, PID: f.pid, ExitCode: f.exitCode };
  if (f.running) {
    if (f.unhealthy)
      return { state: 'failed', message: 'unhealthy', err: 'unhealthy container', containerStatus };
    return { state: 'running', message: 'started', containerStatus };
  }
  if (f.error && !stopping) {
    const err = `starting container failed: ${f.error}`;
    return { state: 'failed', message: 'starting', err, containerStatus };
  }
  if (!f.started) {
    // Created and never started: made ready for its turn, or not wanted any more.
    return stopping
      ? { state: 'shutdown', message: 'shutdown', containerStatus }
      : readyMark(containerStatus);
  }
  if (stopping) return { state: 'shutdown', message: 'shutdown', containerStatus };
  if (f.exitCode === 0) return { state: 'complete', message: 'finished', containerStatus };
  const err = `task: non-zero exit (${f.exitCode})`;
  return { state: 'failed', message: 'failed', err, containerStatus };
}

function readyMark(containerStatus: ContainerStatus): Mark {
  return { state: 'ready', message: 'prepared', containerStatus };
}

function missingContainer(
  task: Task,
  stopping: boolean,
  now: number,
  limits: ObserveLimits,
): Mark | undefined {
  const state = task.Status.State;
  const age = now - (Date.parse(task.Status.Timestamp) || 0);
  if (isBetween(state, 'ready', 'running')) {
    // It had a container. Wait a moment first: an engine's list may lag behind a create.
    if (stopping) return { state: 'shutdown', message: 'shutdown' };
    if (age < limits.goneGraceMs) return undefined;
    return { state: 'failed', message: 'failed', err: 'task container is gone' };
  }
  if (isBetween(state, 'assigned', 'preparing') && age >= limits.prepareTimeoutMs) {
    // Placed, but the container never appeared: the work on it was lost (e.g. a manager restart).
    return { state: 'rejected', message: 'preparing', err: 'the task container was never created' };
  }
  return undefined;
}
