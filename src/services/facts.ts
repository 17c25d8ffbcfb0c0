// The ownership gate: an engine's container becomes ContainerFacts only if it carries Shoal's cluster
// label and the swarm task labels. Reconcile can only be handed facts, so nothing else is ever touched.
import type { ContainerFacts } from './types.js';

/** The labels of a task container (the swarm ones are what Docker's own task containers carry). */
export const TASK_LABELS = {
  nodeId: 'com.docker.swarm.node.id',
  serviceId: 'com.docker.swarm.service.id',
  serviceName: 'com.docker.swarm.service.name',
  task: 'com.docker.swarm.task',
  taskId: 'com.docker.swarm.task.id',
  taskName: 'com.docker.swarm.task.name',
  /** Shoal's own: which Shoal cluster made it. A real swarm's task containers lack it; another cluster's differ. */
  cluster: 'com.docker.shoal.cluster.id',
} as const;

/** A container as an engine lists or inspects it, reduced to what reconcile needs. */
export interface EngineContainer {
  id: string;
  /** The node (engine) that reported it. */
  nodeId: string;
  labels: Readonly<Record<string, string>> | null | undefined;
  /** Docker's State.Status: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  exitCode?: number;
  pid?: number;
  /** State.Error: set when a start failed. */
  error?: string;
  /** State.Health.Status, if it has a health check. */
  health?: string;
}

/** True for a task container that this Shoal cluster made. */
export function isOwnTaskContainer(
  labels: Readonly<Record<string, string>> | null | undefined,
  clusterId: string,
): boolean {
  if (!labels || clusterId === '') return false;
  return (
    labels[TASK_LABELS.cluster] === clusterId &&
    (labels[TASK_LABELS.taskId] ?? '') !== '' &&
    (labels[TASK_LABELS.serviceId] ?? '') !== ''
  );
}

/** The facts of one of our task containers; undefined for anything that is not ours. */
export function containerFacts(c: EngineContainer, clusterId: string): ContainerFacts | undefined {
  if (!isOwnTaskContainer(c.labels, clusterId) || !c.labels) return undefined;
  const running = c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
  const facts = {
    containerId: c.id,
    nodeId: c.nodeId,
    serviceId: c.labels[TASK_LABELS.serviceId] ?? '',
    taskId: c.labels[TASK_LABELS.taskId] ?? '',
    running,
    started: c.state !== 'created',
    exitCode: c.exitCode ?? 0,
    pid: running ? (c.pid ?? 0) : 0,
    unhealthy: running && c.health === 'unhealthy',
    ...(c.error ? { error: c.error } : {}),
  };
  return facts as ContainerFacts;
}
