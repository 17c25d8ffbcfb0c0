// What the API answers from the model, pure: `docker service ls` counts, task names, the task container's
// name and labels. The task filters and insertDefaults live next door and are re-exported here.
import { TASK_LABELS } from './facts.js';
import { insertDefaults } from './defaults.js';
import { endpointView } from './endpoint.js';
import { containerLabels, serviceMode, serviceName } from './spec.js';
import { taskName } from './task-name.js';
import type { NodeInfo, PortConfig, Service, Task } from './types.js';

export { insertDefaults } from './defaults.js';
export { taskFilter, type TaskFilterContext } from './task-filter.js';
export { isUpToDate, taskName } from './task-name.js';

export interface ServiceStatus {
  RunningTasks: number;
  DesiredTasks: number;
  /** Jobs only (not emulated): always 0. */
  CompletedTasks: number;
}

/**
 * `ServiceStatus` for `GET /services?status=true`, counted as SwarmKit's ListServiceStatuses does, except
 * that a task on a node that is down does not count as running: its last word may be stale, and its
 * replacement is already counted.
 */
export function serviceStatus(
  service: Service,
  tasks: readonly Task[],
  nodes: readonly NodeInfo[],
): ServiceStatus {
  const down = new Set(nodes.filter((n) => n.state === 'down').map((n) => n.id));
  const mode = serviceMode(service.Spec);
  let running = 0;
  let desired = mode.kind === 'replicated' ? mode.replicas : 0;
  for (const t of tasks) {
    if (t.ServiceID !== service.ID) continue;
    if (t.Status.State === 'running' && !down.has(t.NodeID)) running++;
    if (mode.kind === 'global' && t.DesiredState === 'running') desired++;
  }
  return { RunningTasks: running, DesiredTasks: desired, CompletedTasks: 0 };
}

/** The name of a task's container. */
export function taskContainerName(service: Service, task: Task): string {
  return taskName(service, task);
}

/**
 * The labels of a task's container: its ContainerSpec.Labels (from the spec it was made from), the ones
 * Docker's task containers carry, and Shoal's cluster label, which marks it as ours (facts.ts).
 */
export function taskContainerLabels(service: Service, task: Task, clusterId: string): Record<string, string> {
  return {
    ...containerLabels(task.Spec),
    [TASK_LABELS.nodeId]: task.NodeID,
    [TASK_LABELS.serviceId]: service.ID,
    [TASK_LABELS.serviceName]: serviceName(service.Spec),
    [TASK_LABELS.task]: '',
    [TASK_LABELS.taskId]: task.ID,
    [TASK_LABELS.taskName]: taskName(service, task),
    [TASK_LABELS.cluster]: clusterId,
  };
}

/** What `GET /services` and `GET /services/{id}` answer for a service. */
export function serviceObject(
  service: Service,
  opts: { insertDefaults?: boolean; status?: ServiceStatus } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ID: service.ID,
    Version: { ...service.Version },
    CreatedAt: service.CreatedAt,
    UpdatedAt: service.UpdatedAt,
    Spec: opts.insertDefaults ? insertDefaults(service.Spec) : service.Spec,
  };
  if (service.PreviousSpec)
    out['PreviousSpec'] = opts.insertDefaults ? insertDefaults(service.PreviousSpec) : service.PreviousSpec;
  // No virtual IPs on plain engines: a service name resolves to its tasks (DNS round robin).
  out['Endpoint'] = endpointView(service);
  if (service.UpdateStatus) out['UpdateStatus'] = { ...service.UpdateStatus };
  if (opts.status) out['ServiceStatus'] = opts.status;
  return out;
}

/**
 * What `GET /tasks` answers for a task: its record without Shoal's own fields; Slot and NodeID when set;
 * PortStatus from its container (endpoint.ts portStatus).
 */
export function taskObject(task: Task, portStatus: { Ports?: PortConfig[] } = {}): Record<string, unknown> {
  return {
    ID: task.ID,
    Version: { ...task.Version },
    CreatedAt: task.CreatedAt,
    UpdatedAt: task.UpdatedAt,
    Labels: task.Labels,
    Spec: task.Spec,
    ServiceID: task.ServiceID,
    ...(task.Slot !== 0 ? { Slot: task.Slot } : {}),
    ...(task.NodeID !== '' ? { NodeID: task.NodeID } : {}),
    Status: { ...task.Status, PortStatus: portStatus },
    DesiredState: task.DesiredState,
  };
}
