// The swarm-mode model: services and tasks as the Docker API shows them (plus a few internal fields), and
// the desired and observed state that reconcile() compares.
import type { TaskState } from './task-state.js';

/**
 * A service spec exactly as the client sent it (`POST /services/create` body), stored verbatim and
 * returned verbatim. Shoal reads it only through the accessors in spec.ts, which tolerate anything.
 */
export type ServiceSpec = Readonly<Record<string, unknown>>;

export type UpdateState =
  'updating' | 'paused' | 'completed' | 'rollback_started' | 'rollback_paused' | 'rollback_completed';

export interface UpdateStatus {
  State: UpdateState;
  StartedAt?: string;
  CompletedAt?: string;
  Message?: string;
}

/** One published port as the API shows it (swarm's PortConfig): a spec's, or an allocated one. */
export interface PortConfig {
  Name?: string;
  Protocol: 'tcp' | 'udp' | 'sctp';
  TargetPort: number;
  /** 0 in a spec: Shoal picks one (ingress, 30000–32767) or the engine does (host). */
  PublishedPort: number;
  PublishMode: 'ingress' | 'host';
}

export interface Service {
  ID: string;
  /** Shoal's store index at the last change; `POST /services/{id}/update?version=` must match it. */
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  /** Absent after create and after a scale-only update (client-traffic.md §2.B). */
  UpdateStatus?: UpdateStatus;
  /** The ports as allocated (an ingress port asked as 0 has the one Shoal picked): `Endpoint.Ports`. */
  Endpoint?: { Ports: PortConfig[] };
  /**
   * Internal, never rendered: the generation of the task template tasks are made from. It changes when
   * the TaskTemplate or the EndpointSpec changes (not on a scale); a task of another generation is out of
   * date unless what it was made from is the same (dirty.ts).
   */
  SpecVersion: number;
  /** Internal, never rendered: the rolling update under way (updater.ts), kept so a new leader resumes it. */
  Rollout?: Rollout;
}

/** What the updater keeps between passes (SwarmKit keeps it in memory and loses it on failover). */
export interface Rollout {
  /** Slots out of date when it began: the denominator of MaxFailureRatio. */
  dirty: number;
  /** Its tasks counted as failures (kept here: history trimming may remove the tasks). */
  failed: string[];
  /** When it began (ms): only tasks made since count (a newer update starts afresh, as SwarmKit's does). */
  since: number;
  /** When its last slot was done (ms): it completes one monitoring period later unless a task fails. */
  doneAt?: number;
}

export interface ContainerStatus {
  ContainerID: string;
  PID: number;
  ExitCode: number;
}

export interface TaskStatus {
  Timestamp: string;
  State: TaskState;
  Message: string;
  Err?: string;
  ContainerStatus?: ContainerStatus;
}

export interface Task {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Labels: Readonly<Record<string, string>>;
  /** The service's TaskTemplate when the task was made (`GET /tasks` shows it as `Spec`). */
  Spec: Readonly<Record<string, unknown>>;
  ServiceID: string;
  /** 1.. for a replicated service; 0 for a global one, whose tasks are told apart by NodeID. */
  Slot: number;
  /** The node (engine) it runs on; '' until placed. A global task has it from the start. */
  NodeID: string;
  Status: TaskStatus;
  /** `running`, `ready` (made, waiting for its turn to start), `shutdown` or `remove`. */
  DesiredState: TaskState;
  /** Internal: the service's SpecVersion it was made from. */
  SpecVersion: number;
  /** Internal: a restarted task may not start before this (ms since the epoch): the restart Delay. */
  NotBefore?: number;
  /** Internal: when this slot was restarted under this SpecVersion (ms), for MaxAttempts within Window. */
  RestartHistory?: readonly number[];
  /** Internal: the service's EndpointSpec when the task was made (a change makes it out of date). */
  EndpointSpec?: Readonly<Record<string, unknown>>;
  /** Internal: made by the rolling updater (not by a restart or a scale): its failure counts against it. */
  ByUpdate?: true;
  /** Internal: when it was first seen running (ms), for the updater's Monitor window. */
  RunningAt?: number;
  /**
   * Internal: shut down by a start-first update once its successor ran: it stops gracefully, whereas a copy
   * beside a running successor is otherwise removed at once (a node back from the dead).
   */
  Handover?: true;
}

/** A node as reconcile sees it: one pool engine. */
export interface NodeInfo {
  id: string;
  availability: 'active' | 'pause' | 'drain';
  state: 'ready' | 'down';
  /** When it went down (ms since the epoch), if it is down: its tasks are orphaned after a while. */
  downSince?: number;
}

declare const owned: unique symbol;

/**
 * What an engine says about one of Shoal's task containers. Only facts.ts makes these, and only for a
 * container carrying Shoal's cluster label and the swarm task labels: anything else cannot even be
 * handed to reconcile(), so it is never touched.
 */
export interface ContainerFacts {
  readonly containerId: string;
  /** The engine it is on. */
  readonly nodeId: string;
  /** From its labels. */
  readonly serviceId: string;
  readonly taskId: string;
  /** Running (or paused): its process is alive. */
  readonly running: boolean;
  /** It was started at some point (so a stopped one has exited rather than never run). */
  readonly started: boolean;
  readonly exitCode: number;
  readonly pid: number;
  /** The engine's State.Error, e.g. a start that failed. */
  readonly error?: string;
  readonly unhealthy: boolean;
  readonly [owned]: true;
}

export interface DesiredService {
  service: Service;
  /**
   * The nodes whose labels satisfy the service's constraints, worked out by placement; absent means every
   * node. Global mode: where tasks run (narrowed further to nodes that are ready and active). Both modes:
   * a task whose template differs from the service's only in Placement is not out of date on such a node.
   */
  eligibleNodes?: ReadonlySet<string>;
}

/** What should be: every service in the store (a service missing here is being deleted), and the nodes. */
export interface Desired {
  services: readonly DesiredService[];
  nodes: readonly NodeInfo[];
}

/**
 * What is: the task records in the store and the task containers on the engines that answer.
 * Read the containers first, then the tasks, so that a container's task is never missing by accident;
 * containers of a node that is down are unknown (not absent).
 */
export interface Observed {
  tasks: readonly Task[];
  containers: readonly ContainerFacts[];
}

export interface ReconcileOptions {
  /** Tasks kept per slot (per node for global), history included; SwarmKit's default 5. <0: no limit. */
  historyLimit?: number;
  /** A task on a node down for this long becomes `orphaned` (SwarmKit: 24 h). */
  orphanAfterMs?: number;
  /** A started task whose container has been missing for this long has failed. */
  goneGraceMs?: number;
  /** A task placed this long ago whose container never appeared is rejected. */
  prepareTimeoutMs?: number;
}
