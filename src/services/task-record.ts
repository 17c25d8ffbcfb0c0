// Task records as the loop writes them: a new task from a createTask action, and the two updates reconcile
// asks for (observed state, desired state), both forward only.
import type { CreateTask, MarkTask } from './actions.js';
import { endpointSpec, taskTemplate } from './spec.js';
import { canAdvance, type TaskState } from './task-state.js';
import type { Service, Task } from './types.js';

/**
 * A new task of `service` for a createTask action; `id` and `index` come from the store. It is made from
 * the service's spec as it is now: if an update came after the pass that asked for it, the task is of the
 * new generation (and no longer the old update's).
 */
export function newTask(service: Service, create: CreateTask, id: string, now: number, index: number): Task {
  const at = new Date(now).toISOString();
  const current = create.specVersion === service.SpecVersion;
  return {
    ID: id,
    Version: { Index: index },
    CreatedAt: at,
    UpdatedAt: at,
    Labels: {},
    Spec: structuredClone(taskTemplate(service.Spec)),
    ServiceID: service.ID,
    Slot: create.slot,
    NodeID: create.nodeId ?? '',
    Status: { Timestamp: at, State: 'new', Message: 'created' },
    DesiredState: create.desiredState,
    SpecVersion: service.SpecVersion,
    ...(create.notBefore === undefined ? {} : { NotBefore: create.notBefore }),
    ...(create.restartHistory === undefined || !current
      ? {}
      : { RestartHistory: [...create.restartHistory] }),
    EndpointSpec: structuredClone(endpointSpec(service.Spec)),
    ...(create.byUpdate && current ? { ByUpdate: true as const } : {}),
  };
}

/** The task with a markTask applied; the same task if that would move its state backwards. */
export function withStatus(task: Task, mark: Omit<MarkTask, 'kind'>, now: number, index: number): Task {
  if (!canAdvance(task.Status.State, mark.state)) return task;
  const at = new Date(now).toISOString();
  const status: Task['Status'] = { Timestamp: at, State: mark.state, Message: mark.message };
  if (mark.err !== undefined) status.Err = mark.err;
  const containerStatus = mark.containerStatus ?? task.Status.ContainerStatus;
  if (containerStatus) status.ContainerStatus = containerStatus;
  const next: Task = { ...task, Version: { Index: index }, UpdatedAt: at, Status: status };
  if (mark.state === 'running' && task.RunningAt === undefined) next.RunningAt = now;
  return next;
}

/**
 * The task with a new desired state; the same task if that would move it backwards. `handover`: a
 * start-first update's old task, which stops gracefully beside its running successor.
 */
export function withDesired(
  task: Task,
  desired: TaskState,
  now: number,
  index: number,
  handover = false,
): Task {
  if (!canAdvance(task.DesiredState, desired)) return task;
  return {
    ...task,
    Version: { Index: index },
    UpdatedAt: new Date(now).toISOString(),
    DesiredState: desired,
    ...(handover ? { Handover: true as const } : {}),
  };
}

/** The task placed on a node (SwarmKit's scheduler step). The loop writes this before creating the container. */
export function withPlacement(task: Task, nodeId: string, now: number, index: number): Task {
  const placed = withStatus(
    task,
    {
      serviceId: task.ServiceID,
      taskId: task.ID,
      state: 'assigned',
      message: 'scheduler assigned task to node',
    },
    now,
    index,
  );
  return placed === task ? task : { ...placed, NodeID: nodeId };
}
