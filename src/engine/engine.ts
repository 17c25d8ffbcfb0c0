// One Docker Engine in the pool: validation, health, refresh loop, event stream and cached state.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { clampVersion } from '../docker/api-version.js';
import { log } from '../log.js';
import { EngineClient } from './client.js';
import { describe, isConnectionError } from './connection-errors.js';
import { ContainerCache, type CacheChange } from './container-cache.js';
import { refreshContainer, syncContainers } from './container-sync.js';
import { endpointOf } from './endpoint.js';
import { alreadyCached, effectOf } from './event-effects.js';
import { EventStream } from './event-stream.js';
import {
  INITIAL_HEALTH,
  healthIndicator,
  nextRefreshDelay,
  onConnectionFailure,
  onSuccess,
  pendingRetryDelay,
  type EngineState,
  type Health,
} from './health.js';
import { Coalescer } from './coalesce.js';
import { Limiter } from './limiter.js';
import { EngineOperations } from './operations.js';
import { ResourceLists, type ListKind } from './resource-lists.js';
import {
  buildSpecs,
  SpecsError,
  type EngineSpecs,
  type InfoResponse,
  type VersionResponse,
} from './specs.js';
import type { DockerEvent } from './types.js';

export interface EngineOptions {
  failureRetry: number;
  refreshMinMs: number;
  refreshMaxMs: number;
  tls?: ConnectionOptions;
  rng?: () => number;
  /** Shared by the pool's engines: how many may run their full synchronisation at once. */
  syncLimiter?: Limiter;
}

export type ClusterTransition = 'engine_connect' | 'engine_disconnect' | 'engine_reconnect';

/** How an engine tells the pool what happened; the pool owns cluster-wide indices and events. */
export interface EngineObserver {
  transition(engine: Engine, what: ClusterTransition): void;
  /** An engine event; `live` is false for history replayed when the stream first opens. */
  event(engine: Engine, ev: DockerEvent, live: boolean): void;
  containerChanged(engine: Engine, change: CacheChange): void;
  execCreated(engine: Engine, execId: string, containerId: string): void;
  /** The engine's health or specs were set (the scheduler's snapshot of it is stale). */
  healthOrSpecsSet(engine: Engine): void;
  listChanged(engine: Engine, kind: ListKind): void;
  /** An error text when another engine already has this ID. */
  idConflict(engine: Engine, id: string): string | undefined;
}

const SPECS_MAX_AGE_MS = 5 * 60_000;
/** How long an event's re-read waits for the re-read of Shoal's own change to land first. */
const EVENT_READ_DELAY_MS = 50;
/** Stands for several events waiting for one re-read: never taken as already cached. */
const MANY_EVENTS: DockerEvent = {
  Type: 'container',
  Action: '',
  Actor: { ID: '', Attributes: {} },
  time: 0,
  timeNano: 0,
};
const UNLIMITED = new Limiter(Number.POSITIVE_INFINITY);
const PING_TIMEOUT_MS = 5_000;

export class Engine {
  readonly addr: string;
  readonly client: EngineClient;
  readonly containers: ContainerCache;
  readonly lists: ResourceLists;
  /** Typed calls (create, start, remove, pull, …) that keep the cache and health current. */
  readonly ops: EngineOperations;
  ip = '';
  private specsNow: EngineSpecs | undefined;
  private healthNow: Health = INITIAL_HEALTH;
  /** Last time the engine answered a refresh. */
  updatedAt = new Date(0);
  private specsAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private stream: EventStream | undefined;
  private firstStream = true;
  private lastEventTime = 0;
  private readonly recentEvents: string[] = [];
  private busy = false;
  private again = false;
  private stopped = false;
  /** Container re-reads after events, one at a time per container. */
  private readonly rereads: Coalescer;
  /** The event each pending re-read is for (MANY_EVENTS: several, read whatever the cache says). */
  private readonly eventsToRead = new Map<string, DockerEvent>();
  /** Re-reads after Shoal's own changes, under way. */
  private readonly settling = new Map<string, Promise<void>>();
  private readonly rng: () => number;
  private readonly versionCache = new Map<string, string>();

  constructor(
    addr: string,
    private readonly opts: EngineOptions,
    private readonly observer: EngineObserver,
  ) {
    this.addr = addr;
    this.client = new EngineClient(endpointOf(addr, opts.tls !== undefined), opts.tls);
    this.containers = new ContainerCache((change) => observer.containerChanged(this, change));
    this.lists = new ResourceLists(
      this.client,
      (err) => this.noteError(err),
      (kind) => observer.listChanged(this, kind),
    );
    this.rng = opts.rng ?? Math.random;
    this.ops = new EngineOperations(this);
    // An event's re-read waits a moment and is dropped when the cache shows the event by then: a change made
    // through Shoal is re-read when the engine answers, and its own events then need no second read.
    this.rereads = new Coalescer(
      async (id) => {
        // A re-read of Shoal's own change still under way lands first; the event may need nothing more.
        await this.settling.get(id);
        const ev = this.eventsToRead.get(id);
        this.eventsToRead.delete(id);
        if (ev && alreadyCached(this.containers.get(id), ev)) return;
        await refreshContainer(this.client, this.containers, id);
      },
      (err) => this.noteError(err),
      () => this.stopped,
      EVENT_READ_DELAY_MS,
    );
  }

  get specs(): EngineSpecs | undefined {
    return this.specsNow;
  }
  set specs(specs: EngineSpecs | undefined) {
    this.specsNow = specs;
    this.observer.healthOrSpecsSet(this);
  }
  get health(): Health {
    return this.healthNow;
  }
  /** Every change of state goes through here: the observer hears of it, so nothing needs to poll for it. */
  set health(health: Health) {
    this.healthNow = health;
    this.observer.healthOrSpecsSet(this);
  }

  get id(): string {
    return this.specs?.id ?? '';
  }
  get name(): string {
    return this.specs?.name ?? '';
  }
  get state(): EngineState {
    return this.health.state;
  }
  get isHealthy(): boolean {
    return this.health.state === 'healthy';
  }
  get healthIndicator(): number {
    return healthIndicator(this.health, this.opts.failureRetry);
  }
  get apiVersion(): string {
    return this.client.version;
  }

  /** The API version to speak to this engine for a client that asked for `clientVersion` ("" = default). */
  versionFor(clientVersion: string): string {
    if (!clientVersion || !this.specs) return this.client.version;
    let v = this.versionCache.get(clientVersion);
    if (v === undefined) {
      v = clampVersion(clientVersion, this.specs.minApiVersion, this.client.version);
      this.versionCache.set(clientVersion, v);
    }
    return v;
  }

  start(): void {
    this.schedule(0);
  }

  /** Removed from discovery: stop everything and forget the cached state. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.stream?.stop();
    this.lists.stop();
    const wasHealthy = this.health.state === 'healthy';
    this.health = { ...this.health, state: 'disconnected' };
    // Listeners (rescheduling) see the containers the engine had before they are forgotten.
    if (wasHealthy) this.observer.transition(this, 'engine_disconnect');
    this.containers.clear();
    await this.client.close();
  }

  /** Asks for a refresh as soon as possible (e.g. the event stream broke). */
  refreshNow(): void {
    if (this.busy) this.again = true;
    else this.expedite(0);
  }

  /** Brings the next refresh forward to within `delayMs` (never pushes it back). */
  private expedite(delayMs: number): void {
    if (this.busy || this.stopped) return;
    if (this.dueAt > Date.now() + delayMs) this.schedule(delayMs);
  }

  /** Every call to the engine reports its outcome here, proxied client calls included. */
  reportSuccess(): void {
    if (this.health.failureCount === 0 && this.health.state !== 'unhealthy') return;
    if (this.health.state === 'unhealthy') {
      // Coming back is decided by a refresh, which also resynchronises the cache.
      this.refreshNow();
      return;
    }
    this.health = onSuccess(this.health).health;
  }

  reportError(err: unknown): void {
    if (!isConnectionError(err)) return;
    this.countFailure(err);
    // A failed client call is a hint: check the engine within a second instead of at the next refresh.
    this.expedite(1000);
  }

  private countFailure(err: unknown): void {
    if (this.health.state === 'pending' || this.health.state === 'disconnected') return;
    this.client.resetConnections();
    const { health, transition } = onConnectionFailure(this.health, describe(err), this.opts.failureRetry);
    this.health = health;
    if (transition === 'disconnect') {
      log.error(`Flagging engine as unhealthy. Connect failed ${health.failureCount} times`, {
        id: this.id,
        name: this.name,
      });
      this.stream?.stop();
      this.stream = undefined;
      this.observer.transition(this, 'engine_disconnect');
    }
  }

  /** Re-reads one container now (after a change made through Shoal, so the next `ps` shows it). */
  async refreshContainer(id: string): Promise<void> {
    await refreshContainer(this.client, this.containers, id);
  }

  /** Re-reads one container after a change; a failure is reported to health, never thrown. */
  async settleContainer(id: string): Promise<void> {
    const read = this.refreshContainer(id).catch((err: unknown) => this.noteError(err));
    this.settling.set(id, read);
    try {
      await read;
    } finally {
      if (this.settling.get(id) === read) this.settling.delete(id);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      if (this.health.state === 'pending') await this.validate();
      else await this.refresh();
    } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else if (this.health.state === 'pending') {
      this.schedule(pendingRetryDelay(this.health.failureCount, this.opts.refreshMaxMs, this.rng));
    } else {
      const { failureRetry, refreshMinMs, refreshMaxMs } = this.opts;
      this.schedule(nextRefreshDelay(this.health, failureRetry, refreshMinMs, refreshMaxMs, this.rng));
    }
  }

  private async readSpecs(): Promise<EngineSpecs> {
    const [version, info] = await Promise.all([
      this.client.json<VersionResponse>('GET', '/version', { version: '', lane: 'background' }),
      this.client.json<InfoResponse>('GET', '/info', { version: '', lane: 'background' }),
    ]);
    const specs = buildSpecs(this.addr, version, info);
    for (const w of specs.warnings) log.warn(w);
    this.specsAt = Date.now();
    return specs;
  }

  private async validate(): Promise<void> {
    await (this.opts.syncLimiter ?? UNLIMITED).run(() => this.validateNow());
  }

  private async validateNow(): Promise<void> {
    try {
      const specs = await this.readSpecs();
      const conflict = this.observer.idConflict(this, specs.id);
      if (conflict) throw new SpecsError(conflict);
      this.ip = await resolveIp(this.client.endpoint.host, this.client.endpoint.socketPath !== undefined);
      this.client.version = specs.apiVersion;
      this.specs = specs;
      this.versionCache.clear();
      this.openStream();
      await syncContainers(this.client, this.containers, true);
      await this.lists.refreshAll();
      if (this.stopped) return;
      this.health = { state: 'healthy', failureCount: 0, lastError: '' };
      this.updatedAt = new Date();
      log.info(`Registered Engine ${specs.name} at ${this.addr}`);
      this.observer.transition(this, 'engine_connect');
    } catch (err) {
      this.stream?.stop();
      this.stream = undefined;
      this.health = {
        state: 'pending',
        failureCount: this.health.failureCount + 1,
        lastError: describe(err),
      };
      log.warn(`Engine at ${this.addr} is not usable yet: ${describe(err)}`);
    }
  }

  private async refresh(): Promise<void> {
    const wasUnhealthy = this.health.state === 'unhealthy';
    try {
      if (wasUnhealthy || Date.now() - this.specsAt > SPECS_MAX_AGE_MS) {
        const specs = await this.readSpecs();
        if (specs.id !== this.id) return this.changedIdentity(specs);
        this.specs = specs;
        this.versionCache.clear();
      } else {
        await this.client.probe('/_ping', PING_TIMEOUT_MS);
      }
      if (!this.stream) this.openStream();
      await syncContainers(this.client, this.containers, wasUnhealthy);
      await this.lists.refreshAll();
      this.updatedAt = new Date();
      const retries = this.health.failureCount;
      const { health, transition } = onSuccess(this.health);
      this.health = health;
      if (transition === 'reconnect') {
        log.info(`Engine came back to life after ${retries} retries. Hooray!`, { name: this.name });
        this.observer.transition(this, 'engine_reconnect');
      }
    } catch (err) {
      if (isConnectionError(err)) this.countFailure(err);
      else this.noteError(err);
    }
  }

  private changedIdentity(specs: EngineSpecs): void {
    const error = `Engine (ID: ${this.id}, Addr: ${this.addr}) shows up with another ID:${specs.id}. Please remove it from cluster, it can be added back.`;
    log.error(error);
    this.stream?.stop();
    this.stream = undefined;
    const wasHealthy = this.health.state === 'healthy';
    this.health = { state: 'pending', failureCount: 0, lastError: error };
    this.containers.clear();
    if (wasHealthy) this.observer.transition(this, 'engine_disconnect');
  }

  private openStream(): void {
    this.stream?.stop();
    const first = this.firstStream;
    this.firstStream = false;
    // The first stream replays the engine's recent history (for `docker events --since`); later ones
    // resume from the last event seen, so nothing is missed across a reconnect.
    const openedAt = Math.floor((Date.now() - (this.specs?.clockDeltaMs ?? 0)) / 1000);
    const since = first
      ? String(openedAt - 3600)
      : this.lastEventTime
        ? String(this.lastEventTime)
        : undefined;
    const stream = new EventStream(this.client, {
      event: (ev) => this.onEvent(ev, !(first && ev.time < openedAt)),
      end: (err) => {
        if (this.stream !== stream) return;
        this.stream = undefined;
        if (err) log.debug(`Event stream of ${this.name} ended: ${describe(err)}`);
        if (this.health.state === 'healthy') this.refreshNow();
      },
    });
    this.stream = stream;
    stream.start(since);
  }

  private onEvent(ev: DockerEvent, live: boolean): void {
    const key = `${ev.timeNano}|${ev.Type}|${ev.Action}|${ev.Actor.ID}`;
    if (ev.time < this.lastEventTime || this.recentEvents.includes(key)) return;
    this.recentEvents.push(key);
    if (this.recentEvents.length > 256) this.recentEvents.shift();
    this.lastEventTime = ev.time;
    if (live) this.apply(ev);
    this.observer.event(this, ev, live);
  }

  private apply(ev: DockerEvent): void {
    const effect = effectOf(ev);
    if (effect.exec) this.observer.execCreated(this, effect.exec.id, effect.exec.containerId);
    if (effect.container?.action === 'remove') {
      this.containers.remove(effect.container.id, this.containers.nextSeq());
    } else if (effect.container) {
      // One event stands for the read: the latest (a read for it covers the earlier ones).
      const prior = this.eventsToRead.get(effect.container.id);
      this.eventsToRead.set(effect.container.id, prior && prior !== ev ? MANY_EVENTS : ev);
      this.rereads.soon(effect.container.id);
    }
    if (effect.images) this.lists.refreshSoon('images');
    if (effect.networks) this.lists.refreshSoon('networks');
    if (effect.volumes) this.lists.refreshSoon('volumes');
    if (effect.probe) this.expedite(0);
    if (effect.specs) {
      this.specsAt = 0;
      this.refreshNow();
    }
  }

  private noteError(err: unknown): void {
    if (isConnectionError(err)) {
      this.reportError(err);
      return;
    }
    log.debug(`Engine ${this.name || this.addr}: ${describe(err)}`);
  }
}

async function resolveIp(host: string, unix: boolean): Promise<string> {
  if (unix) return '127.0.0.1';
  if (isIP(host)) return host;
  const { address } = await lookup(host);
  return address;
}
