// The scheduler's inputs and outputs. Pure data: no engine, no socket, no clock.
import type { Expr } from './expr.js';

/** What a filter or strategy knows of one container on a node (existing, or pending creation). */
export interface ContainerSnapshot {
  readonly id: string;
  readonly name: string;
  /** The image as the user named it (Config.Image) and its ID. */
  readonly image: string;
  readonly imageId: string;
  readonly labels: Readonly<Record<string, string>>;
  /** running, created, paused, restarting, exited, dead; "pending" while being created. */
  readonly state: string;
  readonly networkMode: string;
  /** Host ports bound in bridge mode: "ip:port" entries (ip "" = all interfaces). */
  readonly hostPorts: readonly { ip: string; port: string }[];
  /** Container ports exposed in host network mode ("80/tcp"). */
  readonly exposedPorts: readonly string[];
  readonly memory: number;
  readonly cpus: number;
}

/** A swarm-mode node's availability (`docker node update --availability`). */
export type NodeAvailability = 'active' | 'pause' | 'drain';

export interface NodeSnapshot {
  readonly id: string;
  readonly name: string;
  readonly addr: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The swarm-mode node ID, derived from the engine ID: what tasks and `node.id==` constraints name. */
  readonly nodeId: string;
  /** Swarm-mode node labels (`docker node update --label-add`), apart from the engine's own `labels`. */
  readonly nodeLabels: Readonly<Record<string, string>>;
  /**
   * Swarm-mode availability: `drain` and `pause` keep new service tasks off the node (and `drain` moves its
   * tasks away); classic containers (`docker run`) ignore it, as swarm mode's drain ignores them.
   */
  readonly availability: NodeAvailability;
  /** The engine's OS and architecture (`linux`, `x86_64`), as a swarm node's Description.Platform; "" unknown. */
  readonly platform: { readonly os: string; readonly arch: string };
  readonly cpus: number;
  readonly memory: number;
  /** 0 (must not be used) … 100 (no recent failures). */
  readonly healthIndicator: number;
  readonly containers: readonly ContainerSnapshot[];
  /** Reserved by containers that count (see resources.ts). */
  readonly usedCpus: number;
  readonly usedMemory: number;
  /** Image IDs, repo:tags and repos on the node (for image affinity). */
  readonly images: readonly string[];
  /** Host ports taken in bridge mode (all containers, stopped and pending too): port → who holds it. */
  readonly hostPorts: ReadonlyMap<string, readonly { ip: string; container: string }[]>;
  /** Ports exposed by containers in host network mode ("80/tcp") → container name. */
  readonly hostModePorts: ReadonlyMap<string, string>;
  /**
   * Filled by filters as they need it (affinity subject sets), once per snapshot: snapshots are immutable
   * and reused across decisions until their engine changes. A field from birth keeps objects one shape.
   */
  readonly memo: Map<string, Set<string>>;
}

export interface Dependency {
  readonly kind: 'volumes-from' | 'link' | 'net';
  /** The container named (without alias or mode suffix). */
  readonly name: string;
}

/** A container to place, as the scheduler sees it. */
export interface PlacementRequest {
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly networkMode: string;
  readonly hostPorts: readonly { ip: string; port: string }[];
  readonly exposedPorts: readonly string[];
  readonly memory: number;
  readonly cpus: number;
  readonly constraints: readonly Expr[];
  readonly affinities: readonly Expr[];
  readonly whitelists: readonly Expr[];
  readonly dependencies: readonly Dependency[];
  /** Set for a swarm-mode service's task: placed as SwarmKit places tasks (see task-spread.ts). */
  readonly service?: TaskPlacement;
}

/** A swarm-mode placement constraint, parsed by node-constraint.ts. */
export interface NodeConstraint {
  /** As written (keys match case-insensitively; a label's name, after the prefix, does not). */
  readonly key: string;
  readonly op: '==' | '!=';
  readonly value: string;
}

/** What swarm mode's scheduler reads of a task to place it. */
export interface TaskPlacement {
  readonly serviceId: string;
  readonly constraints: readonly NodeConstraint[];
  /** Placement preferences, in order: spread over the values of these descriptors ("node.labels.zone", "engine.labels.rack"). */
  readonly spread: readonly string[];
  /** Placement.MaxReplicas: at most this many of the service's tasks per node; 0 = no limit. */
  readonly maxReplicas: number;
  /** Swarm node IDs that must not get the task (down, drained or paused nodes the reconciler names). */
  readonly avoid: ReadonlySet<string>;
}

/** Whether a node can take the request; called once per node per decision, so it must not allocate. */
export type NodePredicate = (node: NodeSnapshot) => boolean;

export interface Filter {
  /** The --filter name. */
  readonly name: string;
  /** Compiles the request once per decision; undefined when the request gives this filter nothing to check. */
  prepare(req: PlacementRequest): NodePredicate | undefined;
  /** Why the node cannot take the request: only computed to explain a placement that failed. */
  explain(node: NodeSnapshot, req: PlacementRequest): string;
  /** Classic's condition texts for the "Unable to find a node…" message (may be empty). */
  conditions(req: PlacementRequest): string[];
  /** Replaces the generic message when this filter leaves no node (classic: health). */
  readonly noneLeftMessage?: string;
  /**
   * SwarmKit's words for a task this filter rejected on `nodes` nodes (`insufficient resources on 2 nodes`).
   * Filters that share a function share a part of the message (health and task-ready).
   */
  readonly explainTasks?: (nodes: number) => string;
}

/** A strategy only orders; it never drops a node. */
export interface Strategy {
  readonly name: string;
  rank(nodes: readonly NodeSnapshot[], req: PlacementRequest, ctx: RankContext): NodeSnapshot[];
  /**
   * Optional fast path: a node `rank` could have put first (equally good), found without sorting.
   * The scheduler uses it when present: at thousands of nodes a sort per decision costs too much.
   */
  best?(nodes: readonly NodeSnapshot[], req: PlacementRequest, ctx: RankContext): NodeSnapshot | undefined;
}

export interface RankContext {
  readonly rng: () => number;
  /** swarm.overcommit (0.05 = 5 %). */
  readonly overcommit: number;
}

export interface Rejection {
  readonly filter: string;
  readonly node: string;
  readonly reason: string;
}

export type Decision =
  | { readonly ok: true; readonly node: NodeSnapshot }
  | { readonly ok: false; readonly message: string; readonly rejections: readonly Rejection[] };
