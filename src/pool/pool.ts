// The set of engines: follows discovery, keeps cluster-wide indices, events and scheduler snapshots.
import { Engine, type ClusterTransition, type EngineObserver, type EngineOptions } from '../engine/engine.js';
import { Limiter } from '../engine/limiter.js';
import type { CacheChange } from '../engine/container-cache.js';
import type { ListKind } from '../engine/resource-lists.js';
import type { DockerEvent } from '../engine/types.js';
import type { EventHub } from '../events/hub.js';
import { log } from '../log.js';
import type { NodeSnapshot } from '../scheduler/types.js';
import { ContainerIndex } from './container-index.js';
import { ExecIndex } from './exec-index.js';
import { clusterEvent, decorate } from './node-event.js';
import { NodeSpecs } from './node-specs.js';
import { Reservations } from './reservations.js';
import { SnapshotCache, type SnapshotPolicy } from './snapshot.js';

export type ContainerListener = (
  engine: Engine,
  id: string,
  labels: Readonly<Record<string, string>> | null | undefined,
) => void;

export interface PoolOptions extends EngineOptions, SnapshotPolicy {}

/**
 * Engines synchronising their full state at once (start-up of a large pool comes in waves). With 2 inspects
 * in flight per engine (src/engine/container-sync.ts) that is up to 512 requests in flight.
 */
const SYNC_CONCURRENCY = 256;

export class Pool implements EngineObserver {
  private readonly engines = new Map<string, Engine>();
  readonly containers = new ContainerIndex();
  readonly execs = new ExecIndex();
  readonly reservations = new Reservations((addr) => this.reservationsChanged(addr));
  /** Swarm-mode node specs (labels, availability), kept current from the store by src/nodes/. */
  readonly nodeSpecs = new NodeSpecs();
  private readonly snapshots: SnapshotCache;
  private readonly transitionListeners: ((engine: Engine, what: ClusterTransition) => void)[] = [];
  private readonly containerListeners = new Set<ContainerListener>();
  private readonly listListeners: ((engine: Engine, kind: ListKind) => void)[] = [];
  private closing = false;
  private transitions = 0;
  /** validated(), kept until an engine comes, goes, or has its health or specs set. */
  private members: readonly Engine[] | undefined;
  private readonly engineOpts: EngineOptions;

  constructor(
    private readonly opts: PoolOptions,
    readonly hub: EventHub,
  ) {
    this.snapshots = new SnapshotCache(this.reservations, opts, this.nodeSpecs);
    this.engineOpts = { ...opts, syncLimiter: opts.syncLimiter ?? new Limiter(SYNC_CONCURRENCY) };
  }

  /** Discovery's current list: removed engines go first (classic order), then new ones start validating. */
  update(addrs: readonly string[]): void {
    this.members = undefined;
    const wanted = new Set(addrs);
    for (const [addr, engine] of this.engines) {
      if (wanted.has(addr)) continue;
      this.engines.delete(addr);
      log.info(`Removed Engine ${engine.name || addr}`, { addr });
      this.execs.forgetEngine(engine);
      void engine.stop();
    }
    for (const addr of addrs) {
      if (this.engines.has(addr)) continue;
      const engine = new Engine(addr, this.engineOpts, this);
      this.engines.set(addr, engine);
      engine.start();
    }
  }

  all(): Engine[] {
    return [...this.engines.values()];
  }

  /** Moves on every engine_connect, _disconnect and _reconnect: the healthy engines are the same until it does. */
  get generation(): number {
    return this.transitions;
  }

  healthy(): Engine[] {
    return this.all().filter((e) => e.isHealthy);
  }

  /** Validated engines (healthy or unhealthy): the ones with a name, ID and cached state. */
  validated(): Engine[] {
    return this.all().filter((e) => e.state === 'healthy' || e.state === 'unhealthy');
  }

  /** An engine by name, ID or address. */
  engine(ref: string): Engine | undefined {
    for (const e of this.engines.values()) if (e.name === ref || e.id === ref || e.addr === ref) return e;
    return undefined;
  }

  /** The engine at this address (placement's choice), without the name and ID search engine() does. */
  at(addr: string): Engine | undefined {
    return this.engines.get(addr);
  }

  /**
   * What the scheduler sees. The engines' list is the same array until one comes, goes, or changes health or
   * specs, and every change of an engine touches its snapshot: an unchanged pool costs no pass over it.
   */
  snapshot(): readonly NodeSnapshot[] {
    this.members ??= this.validated();
    return this.snapshots.all(this.members);
  }

  async stop(): Promise<void> {
    // Shoal shutting down is not the engines failing: nothing is rescheduled.
    this.closing = true;
    const engines = this.all();
    this.engines.clear();
    await Promise.all(engines.map((e) => e.stop()));
  }

  private reservationsChanged(addr: string): void {
    const engine = this.engines.get(addr);
    if (engine) this.snapshots.touch(engine);
  }

  // EngineObserver

  healthOrSpecsSet(engine: Engine): void {
    this.members = undefined;
    this.snapshots.touch(engine);
  }

  transition(engine: Engine, what: ClusterTransition): void {
    this.transitions++;
    this.snapshots.touch(engine);
    this.hub.publish(clusterEvent(engine, what));
    if (!this.closing) for (const fn of this.transitionListeners) fn(engine, what);
  }

  /** Called on every engine_connect / engine_disconnect / engine_reconnect (rescheduling listens). */
  onTransition(fn: (engine: Engine, what: ClusterTransition) => void): void {
    this.transitionListeners.push(fn);
  }

  event(engine: Engine, ev: DockerEvent, live: boolean): void {
    if (live) this.hub.publish(decorate(engine, ev));
    else this.hub.publishPast(ev.timeNano, () => decorate(engine, ev));
  }

  containerChanged(engine: Engine, change: CacheChange): void {
    this.containers.apply(engine, change);
    this.snapshots.touch(engine);
    if (change.kind === 'remove') this.execs.forgetContainer(change.prev.id);
    const c = change.kind === 'remove' ? change.prev : change.next;
    for (const fn of this.containerListeners) fn(engine, c.id, c.detail.Config.Labels ?? c.summary.Labels);
  }

  /** Called after every change of a cached container (the services loop listens); returns an unsubscribe. */
  onContainerChange(fn: ContainerListener): () => void {
    this.containerListeners.add(fn);
    return () => this.containerListeners.delete(fn);
  }

  listChanged(engine: Engine, kind: ListKind): void {
    if (kind === 'images') this.snapshots.touch(engine);
    for (const fn of this.listListeners) fn(engine, kind);
  }

  /** Called after an engine's image, network or volume list changed (cross-engine paths listen). */
  onListChange(fn: (engine: Engine, kind: ListKind) => void): void {
    this.listListeners.push(fn);
  }

  execCreated(engine: Engine, execId: string, containerId: string): void {
    this.execs.add(execId, engine, containerId);
  }

  idConflict(engine: Engine, id: string): string | undefined {
    for (const other of this.engines.values()) {
      if (other === engine || other.id !== id) continue;
      if (other.state !== 'healthy' && other.state !== 'unhealthy') continue;
      return `ID duplicated. ${id} shared by this node ${engine.addr} and another node ${other.addr}`;
    }
    return undefined;
  }
}
