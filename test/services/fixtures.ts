// Builders for services tests: services, tasks, nodes and container facts with sensible defaults.
import { containerFacts, type EngineContainer } from '../../src/services/facts.js';
import { reconcile } from '../../src/services/reconcile.js';
import { serviceMode } from '../../src/services/spec.js';
import type { Action } from '../../src/services/actions.js';
import type { TaskState } from '../../src/services/task-state.js';
import type { ContainerFacts, NodeInfo, ReconcileOptions, Service, Task } from '../../src/services/types.js';
import { taskContainerLabels } from '../../src/services/view.js';

export const CLUSTER = 'cluster-1';
export const T0 = Date.parse('2026-11-22T03:00:00.000Z');
export const iso = (ms: number): string => new Date(ms).toISOString();

export interface ServiceOpts {
  name?: string;
  replicas?: number;
  global?: boolean;
  restart?: Record<string, unknown>;
  specVersion?: number;
  labels?: Record<string, string>;
}

export function service(id: string, o: ServiceOpts = {}): Service {
  const mode = o.global ? { Global: {} } : { Replicated: { Replicas: o.replicas ?? 1 } };
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: iso(T0 - 3600_000),
    UpdatedAt: iso(T0 - 3600_000),
    Spec: {
      Name: o.name ?? id,
      Labels: o.labels ?? {},
      TaskTemplate: {
        ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '1000'], Labels: { 'com.example': 'x' } },
        ...(o.restart ? { RestartPolicy: o.restart } : {}),
      },
      Mode: mode,
    },
    SpecVersion: o.specVersion ?? 1,
  };
}

export interface TaskOpts {
  slot?: number;
  node?: string;
  state?: TaskState;
  desired?: TaskState;
  at?: number;
  specVersion?: number;
  notBefore?: number;
  history?: number[];
  err?: string;
}

/** A task of `svc` created `at` (default an hour ago), status stamped at the same time. */
export function task(id: string, svc: Service, o: TaskOpts = {}): Task {
  const at = iso(o.at ?? T0 - 3600_000);
  const template = (svc.Spec['TaskTemplate'] ?? {}) as Record<string, unknown>;
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: at,
    UpdatedAt: at,
    Labels: {},
    Spec: structuredClone(template),
    ServiceID: svc.ID,
    Slot: o.slot ?? (serviceMode(svc.Spec).kind === 'global' ? 0 : 1),
    NodeID: o.node ?? '',
    Status: { Timestamp: at, State: o.state ?? 'running', Message: '', ...(o.err ? { Err: o.err } : {}) },
    DesiredState: o.desired ?? 'running',
    SpecVersion: o.specVersion ?? svc.SpecVersion,
    ...(o.notBefore === undefined ? {} : { NotBefore: o.notBefore }),
    ...(o.history === undefined ? {} : { RestartHistory: o.history }),
  };
}

export function node(id: string, o: Partial<NodeInfo> = {}): NodeInfo {
  return { id, availability: 'active', state: 'ready', ...o };
}

/** The engine's view of a task's container (on the task's node unless said otherwise). */
export function engineContainer(svc: Service, t: Task, o: Partial<EngineContainer> = {}): EngineContainer {
  return {
    id: `c-${t.ID}`,
    nodeId: t.NodeID,
    labels: taskContainerLabels(svc, t, CLUSTER),
    state: 'running',
    exitCode: 0,
    pid: 100,
    ...o,
  };
}

export function facts(svc: Service, t: Task, o: Partial<EngineContainer> = {}): ContainerFacts {
  const f = containerFacts(engineContainer(svc, t, o), CLUSTER);
  if (!f) throw new Error('not ours');
  return f;
}

export interface Scene {
  services: Service[];
  nodes?: NodeInfo[];
  tasks?: Task[];
  containers?: ContainerFacts[];
  eligible?: Record<string, string[]>;
  now?: number;
  options?: ReconcileOptions;
}

/** reconcile() over a small scene; nodes n1..n3 unless given. */
export function run(s: Scene): Action[] {
  const nodes = s.nodes ?? [node('n1'), node('n2'), node('n3')];
  const services = s.services.map((svc) => {
    const e = s.eligible?.[svc.ID];
    return e ? { service: svc, eligibleNodes: new Set(e) } : { service: svc };
  });
  return reconcile(
    { services, nodes },
    { tasks: s.tasks ?? [], containers: s.containers ?? [] },
    s.now ?? T0,
    s.options,
  );
}

/** The actions of one kind. */
export function only<K extends Action['kind']>(actions: Action[], kind: K): Extract<Action, { kind: K }>[] {
  return actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
}

/** Short, readable form of actions for assertions: `kind:target`. */
export function brief(actions: Action[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'createTask':
        return `createTask:${a.serviceId}/${a.nodeId ?? a.slot}:${a.desiredState}`;
      case 'shutdownTask':
        return `shutdownTask:${a.taskId}:${a.desiredState}`;
      case 'markTask':
        return `markTask:${a.taskId}:${a.state}`;
      case 'removeContainer':
      case 'stopContainer':
      case 'startContainer':
        return `${a.kind}:${a.containerId}`;
      case 'placeTask':
      case 'startTask':
      case 'removeTask':
        return `${a.kind}:${a.taskId}`;
      case 'updateService':
        return `updateService:${a.serviceId}:${a.status?.State ?? (a.rollout === null ? 'over' : 'record')}`;
    }
  });
}
