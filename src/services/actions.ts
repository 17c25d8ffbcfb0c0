// What reconcile() asks for. Every action names its service, and a task or container that reconcile was
// given: it never invents a target. Store actions come first in a pass, engine actions after them.
import type { TaskState } from './task-state.js';
import type { ContainerStatus, Rollout, UpdateStatus } from './types.js';

/** Make a task record (the loop picks its ID; see newTask()). */
export interface CreateTask {
  kind: 'createTask';
  serviceId: string;
  /** 1.. for replicated; 0 for global. */
  slot: number;
  /** Global: the node it belongs to. */
  nodeId?: string;
  specVersion: number;
  /** `ready` when it must wait: for `notBefore` (the restart Delay), or for another task of its slot to stop. */
  desiredState: 'running' | 'ready';
  notBefore?: number;
  restartHistory?: readonly number[];
  /**
   * The task it replaces in the same slot: a shutdownTask for that task is in the same pass, and the loop
   * must write both in one store update (else the slot would look as if its restart had been refused).
   */
  replaces?: string;
  /** Made by the rolling updater: a failure within Monitor counts against the update. */
  byUpdate?: true;
  reason: string;
}

/** Find a node (placement) and create the task's container there; start it too if desired `running`. */
export interface PlaceTask {
  kind: 'placeTask';
  serviceId: string;
  taskId: string;
  /** Global: the only node it may go to. */
  nodeId?: string;
  /** Nodes that must not get it (down, drained, paused). One array shared by every placeTask of a pass. */
  avoid: readonly string[];
}

/** Desired `ready` → `running`: its delay is over and no other task of its slot is alive. */
export interface StartTask {
  kind: 'startTask';
  serviceId: string;
  taskId: string;
}

/** Desired → `shutdown` (history) or `remove` (gone once stopped). Stopping the container is a separate action. */
export interface ShutdownTask {
  kind: 'shutdownTask';
  serviceId: string;
  taskId: string;
  desiredState: 'shutdown' | 'remove';
  /** A start-first update's old task, its successor running: it stops gracefully (not fenced). */
  handover?: true;
  reason: string;
}

/** Delete the task record. Its container, if any is known, gets a removeContainer in the same pass. */
export interface RemoveTask {
  kind: 'removeTask';
  serviceId: string;
  taskId: string;
  reason: string;
}

/** The task's observed state moved forward (never back); the loop stamps Status.Timestamp. */
export interface MarkTask {
  kind: 'markTask';
  serviceId: string;
  taskId: string;
  state: TaskState;
  message: string;
  err?: string;
  containerStatus?: ContainerStatus;
}

/** Start a created container whose task is desired `running`. */
export interface StartContainer {
  kind: 'startContainer';
  serviceId: string;
  taskId: string;
  containerId: string;
  nodeId: string;
}

/** Stop gracefully (StopGracePeriod); the container stays for `docker service logs` until its task goes. */
export interface StopContainer {
  kind: 'stopContainer';
  serviceId: string;
  taskId: string;
  containerId: string;
  nodeId: string;
  reason: string;
}

/** Remove with force: a task's container when the task goes, a stale copy, or one whose task is gone. */
export interface RemoveContainer {
  kind: 'removeContainer';
  serviceId: string;
  taskId: string;
  containerId: string;
  nodeId: string;
  reason: string;
}

/**
 * The updater's word on a service: its UpdateStatus, its own record, an automatic rollback. Dropped if the
 * service changed since the pass read it (a newer update: SwarmKit's "the service was updated since").
 */
export interface UpdateService {
  kind: 'updateService';
  serviceId: string;
  /** The service's Version.Index as the pass saw it. */
  version: number;
  /** The new UpdateStatus (Version.Index and UpdatedAt move on, as the engine's do); absent: unchanged. */
  status?: UpdateStatus;
  /** The updater's record from now on; null: none (the update is over). Absent: unchanged. */
  rollout?: Rollout | null;
  /** FailureAction rollback: the spec goes back to PreviousSpec, and there is no PreviousSpec after. */
  rollback?: true;
  reason: string;
}

export type Action =
  | CreateTask
  | PlaceTask
  | StartTask
  | ShutdownTask
  | RemoveTask
  | MarkTask
  | StartContainer
  | StopContainer
  | RemoveContainer
  | UpdateService;

/**
 * The order actions come out in: store writes first, then engine work, removals before creations. A
 * service's new spec (a rollback) comes after the tasks of the pass, which were made from the spec before.
 */
export const ACTION_ORDER = [
  'markTask',
  'shutdownTask',
  'removeTask',
  'createTask',
  'startTask',
  'updateService',
  'removeContainer',
  'stopContainer',
  'placeTask',
  'startContainer',
] as const satisfies readonly Action['kind'][];
