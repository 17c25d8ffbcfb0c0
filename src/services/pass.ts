// One reconcile pass: each task seen once (its container, node and observed state), and every decision
// written both as an action and onto the task's view, so later rules see what earlier ones decided.
import type { Action, CreateTask, UpdateService } from './actions.js';
import { ACTION_ORDER } from './actions.js';
import { observe, type ObserveLimits } from './observe.js';
import { isBetween, isTerminal, rankOf, type TaskState } from './task-state.js';
import type { ContainerFacts, NodeInfo, Task } from './types.js';

export interface TaskView {
  readonly task: Task;
  /** Its container, when the engine of its node lists it. */
  readonly facts: ContainerFacts | undefined;
  /** Its node; undefined when unplaced or when the node left the pool. */
  readonly node: NodeInfo | undefined;
  /** Placed on a node that is up, so its container (or its absence) is known. */
  readonly nodeUp: boolean;
  /** Observed state, after this pass's markTask. */
  state: TaskState;
  /** Desired state, after this pass's decisions. */
  desired: TaskState;
  /** A removeTask was emitted. */
  removed: boolean;
  /** A start-first update's old task, shut down as its successor runs (stops gracefully, not fenced). */
  handover: boolean;
  /** The tasks of its slot (global: of its node), oldest first, itself included. */
  group: readonly TaskView[] | undefined;
}

export type Limits = ObserveLimits & { historyLimit: number };

type Buckets = { [K in Action['kind']]: Extract<Action, { kind: K }>[] };

/** Desired `running` or `ready` (SwarmKit: DesiredState <= RUNNING): the task is meant to run. */
export function isActive(desired: TaskState): boolean {
  return rankOf(desired) <= rankOf('running');
}

/** Its process runs, or may be about to (placed, container not listed yet), on a node that is up. */
export function isLive(v: TaskView): boolean {
  if (!v.nodeUp) return false;
  return v.facts ? v.facts.running : isBetween(v.state, 'assigned', 'running');
}

export class Pass {
  private readonly out: Buckets;
  /** Nodes a new task must not go to; shared by every placeTask. */
  readonly avoid: readonly string[];

  constructor(
    readonly now: number,
    readonly limits: Limits,
    readonly nodes: ReadonlyMap<string, NodeInfo>,
  ) {
    this.out = Object.fromEntries(ACTION_ORDER.map((k) => [k, []])) as unknown as Buckets;
    this.avoid = [...nodes.values()]
      .filter((n) => n.state !== 'ready' || n.availability !== 'active')
      .map((n) => n.id);
  }

  /** The view of one task, with its observed state brought up to date (a markTask when it moved). */
  view(task: Task, facts: ContainerFacts | undefined): TaskView {
    const node = task.NodeID === '' ? undefined : this.nodes.get(task.NodeID);
    const v: TaskView = {
      task,
      facts,
      node,
      nodeUp: node?.state === 'ready',
      state: task.Status.State,
      desired: task.DesiredState,
      removed: false,
      handover: task.Handover === true,
      group: undefined,
    };
    const mark = observe(task, facts, node, this.now, this.limits);
    if (mark) {
      v.state = mark.state;
      this.out.markTask.push({ kind: 'markTask', serviceId: task.ServiceID, taskId: task.ID, ...mark });
    }
    return v;
  }

  /** Desired → shutdown or remove (never back); `handover`: see ShutdownTask. */
  shutdown(v: TaskView, to: 'shutdown' | 'remove', reason: string, handover = false): void {
    if (v.removed || rankOf(to) <= rankOf(v.desired)) return;
    v.desired = to;
    if (handover) v.handover = true;
    this.out.shutdownTask.push({
      kind: 'shutdownTask',
      serviceId: v.task.ServiceID,
      taskId: v.task.ID,
      desiredState: to,
      ...(handover ? { handover: true as const } : {}),
      reason,
    });
  }

  /** The task goes: now if nothing is left to wait for, else desired `remove` until its container stops. */
  retire(v: TaskView, reason: string): void {
    if (v.removed) return;
    if (removableNow(v)) this.drop(v, reason);
    else this.shutdown(v, 'remove', reason);
  }

  /** removeTask, and removeContainer for its container. */
  drop(v: TaskView, reason: string): void {
    if (v.removed) return;
    v.removed = true;
    this.out.removeTask.push({ kind: 'removeTask', serviceId: v.task.ServiceID, taskId: v.task.ID, reason });
    if (v.facts) this.removeContainer(v.task.ServiceID, v.task.ID, v.facts, reason);
  }

  create(a: Omit<CreateTask, 'kind'>): void {
    this.out.createTask.push({ kind: 'createTask', ...a });
  }

  updateService(a: Omit<UpdateService, 'kind'>): void {
    this.out.updateService.push({ kind: 'updateService', ...a });
  }

  start(v: TaskView): void {
    v.desired = 'running';
    this.out.startTask.push({ kind: 'startTask', serviceId: v.task.ServiceID, taskId: v.task.ID });
  }

  place(v: TaskView, nodeId: string | undefined): void {
    const t = v.task;
    const pin = nodeId === undefined ? {} : { nodeId };
    this.out.placeTask.push({
      kind: 'placeTask',
      serviceId: t.ServiceID,
      taskId: t.ID,
      ...pin,
      avoid: this.avoid,
    });
  }

  startContainer(v: TaskView, f: ContainerFacts): void {
    const t = v.task;
    const c = { containerId: f.containerId, nodeId: f.nodeId };
    this.out.startContainer.push({ kind: 'startContainer', serviceId: t.ServiceID, taskId: t.ID, ...c });
  }

  stopContainer(v: TaskView, f: ContainerFacts, reason: string): void {
    const t = v.task;
    const c = { containerId: f.containerId, nodeId: f.nodeId };
    this.out.stopContainer.push({
      kind: 'stopContainer',
      serviceId: t.ServiceID,
      taskId: t.ID,
      ...c,
      reason,
    });
  }

  removeContainer(serviceId: string, taskId: string, f: ContainerFacts, reason: string): void {
    const c = { containerId: f.containerId, nodeId: f.nodeId };
    this.out.removeContainer.push({ kind: 'removeContainer', serviceId, taskId, ...c, reason });
  }

  actions(): Action[] {
    const all: Action[] = [];
    for (const kind of ACTION_ORDER) for (const a of this.out[kind]) all.push(a);
    return all;
  }
}

/**
 * Nothing to wait for before the record goes: never placed (no container yet; one that a placement in
 * flight makes anyway is removed as taskless), on a node that is down or
 * gone (its container is fenced: removed as taskless once the node is back), or over and stopped.
 */
function removableNow(v: TaskView): boolean {
  if (!v.nodeUp || (rankOf(v.state) < rankOf('assigned') && !v.facts)) return true;
  return isTerminal(v.state) && !v.facts?.running;
}
