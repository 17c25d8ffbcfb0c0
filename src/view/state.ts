// What the cluster view shows, as one JSON document: every engine with its health, labels, reservations,
// containers and service tasks; the services; the recent placement decisions and why they went that way.
import { isBuiltinEngineLabel } from '../docker/engine-labels.js';
import { nodeIdOf } from '../docker/swarm-id.js';
import type { Engine } from '../engine/engine.js';
import { STATE_TEXT } from '../engine/health.js';
import type { DecisionView } from '../placement/decisions.js';
import type { Pool } from '../pool/pool.js';
import type { ContainerSnapshot, NodeSnapshot } from '../scheduler/types.js';
import { TASK_LABELS } from '../services/facts.js';
import { serviceMode } from '../services/spec.js';
import { taskName } from '../services/task-name.js';
import { isTerminal } from '../services/task-state.js';
import type { Service, Task } from '../services/types.js';
import { SHOAL } from '../version.js';

/** Containers listed per engine (the count says how many there are in all). */
export const MAX_CONTAINERS_SHOWN = 100;

export interface ViewSources {
  readonly pool: Pool;
  readonly decisions: { recent(): DecisionView[] };
  readonly services: { allServices(): Service[]; allTasks(): Task[] };
  readonly strategy: string;
  readonly filters: readonly string[];
  role(): { role: 'primary' } | { role: 'replica'; primary: string };
}

export interface ContainerView {
  id: string;
  name: string;
  image: string;
  /** running, exited, …; `pending` while a placement is creating it. */
  state: string;
  cpus: number;
  memory: number;
  /** For a service's task: its name (`web.2`, without the task ID). */
  task?: string;
}

export interface TaskView {
  id: string;
  name: string;
  state: string;
  desiredState: string;
  container?: string;
}

export interface EngineView {
  name: string;
  addr: string;
  id: string;
  /** Healthy, Unhealthy, Pending, Disconnected (as `docker info` says it). */
  state: string;
  healthy: boolean;
  error?: string;
  /** The engine's own labels (`--label`), then the built-in ones Shoal adds. */
  labels: Record<string, string>;
  builtinLabels: Record<string, string>;
  cpus: number;
  memory: number;
  reservedCpus: number;
  reservedMemory: number;
  containerCount: number;
  containers: ContainerView[];
  tasks: TaskView[];
}

export interface ServiceView {
  id: string;
  name: string;
  mode: string;
  /** Replicated: the replicas asked for. */
  replicas?: number;
  running: number;
  updateState?: string;
}

export interface ClusterState {
  time: string;
  manager: { version: string; role: string; primary?: string; strategy: string; filters: readonly string[] };
  engines: EngineView[];
  services: ServiceView[];
  decisions: DecisionView[];
}

/** `web.1` of a task's full name `web.1.<task ID>`, as `docker service ps` shows it. */
function shortTaskName(name: string, taskId: string | undefined): string {
  return taskId && name.endsWith(`.${taskId}`) ? name.slice(0, -taskId.length - 1) : name;
}

function containerView(c: ContainerSnapshot): ContainerView {
  const full = c.labels[TASK_LABELS.taskName];
  const task = full === undefined ? undefined : shortTaskName(full, c.labels[TASK_LABELS.taskId]);
  return { id: c.id, name: c.name, image: c.image, state: c.state, cpus: c.cpus, memory: c.memory, task };
}

function engineView(e: Engine, snap: NodeSnapshot | undefined, tasks: TaskView[]): EngineView {
  const labels: Record<string, string> = {};
  const builtinLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.specs?.labels ?? {}))
    (isBuiltinEngineLabel(k) ? builtinLabels : labels)[k] = v;
  // Newest first: placements under way (pending) come last in a snapshot, cached containers as they came.
  const containers = [...(snap?.containers ?? [])].reverse().map(containerView);
  return {
    name: e.name || e.addr,
    addr: e.addr,
    id: e.id,
    state: STATE_TEXT[e.state],
    healthy: e.isHealthy,
    error: e.health.lastError || undefined,
    labels,
    builtinLabels,
    cpus: snap?.cpus ?? e.specs?.cpus ?? 0,
    memory: snap?.memory ?? e.specs?.memory ?? 0,
    reservedCpus: snap?.usedCpus ?? 0,
    reservedMemory: snap?.usedMemory ?? 0,
    containerCount: containers.length,
    containers: containers.slice(0, MAX_CONTAINERS_SHOWN),
    tasks,
  };
}

/** The tasks meant to run (or still running), by the node they are on. */
function tasksByNode(services: Map<string, Service>, tasks: readonly Task[]): Map<string, TaskView[]> {
  const out = new Map<string, TaskView[]>();
  for (const t of tasks) {
    if (!t.NodeID || (isTerminal(t.DesiredState) && isTerminal(t.Status.State))) continue;
    const s = services.get(t.ServiceID);
    const view: TaskView = {
      id: t.ID,
      name: s ? shortTaskName(taskName(s, t), t.ID) : t.ID,
      state: t.Status.State,
      desiredState: t.DesiredState,
      container: t.Status.ContainerStatus?.ContainerID,
    };
    out.set(t.NodeID, [...(out.get(t.NodeID) ?? []), view]);
  }
  return out;
}

function serviceViews(services: readonly Service[], tasks: readonly Task[]): ServiceView[] {
  const running = new Map<string, number>();
  for (const t of tasks)
    if (t.Status.State === 'running') running.set(t.ServiceID, (running.get(t.ServiceID) ?? 0) + 1);
  return services.map((s) => {
    const mode = serviceMode(s.Spec);
    return {
      id: s.ID,
      name: typeof s.Spec['Name'] === 'string' ? s.Spec['Name'] : s.ID,
      mode: mode.kind === 'unsupported' ? mode.name : mode.kind,
      replicas: mode.kind === 'replicated' ? mode.replicas : undefined,
      running: running.get(s.ID) ?? 0,
      updateState: s.UpdateStatus?.State,
    };
  });
}

export function clusterState(src: ViewSources): ClusterState {
  const snaps = new Map(src.pool.snapshot().map((n) => [n.addr, n]));
  const services = src.services.allServices();
  const tasks = src.services.allTasks();
  const byNode = tasksByNode(new Map(services.map((s) => [s.ID, s])), tasks);
  const role = src.role();
  return {
    time: new Date().toISOString(),
    manager: {
      version: SHOAL.version,
      role: role.role,
      primary: role.role === 'replica' ? role.primary : undefined,
      strategy: src.strategy,
      filters: src.filters,
    },
    engines: src.pool
      .all()
      .map((e) => engineView(e, snaps.get(e.addr), e.id ? (byNode.get(nodeIdOf(e.id)) ?? []) : []))
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })),
    services: serviceViews(services, tasks),
    decisions: src.decisions.recent(),
  };
}
