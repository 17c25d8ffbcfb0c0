// Swarm-mode services on the pool: the records, the loop that runs them (on the leader), the API's view,
// and where the logs of their tasks are.
import { nodeIdOf } from '../../docker/swarm-id.js';
import type { Engine } from '../../engine/engine.js';
import { log } from '../../log.js';
import type { Placer } from '../../placement/placer.js';
import type { Pool } from '../../pool/pool.js';
import type { Store } from '../../store/store.js';
import { TASK_LABELS } from '../facts.js';
import { isActive } from '../pass.js';
import { ClusterWatch } from './cluster.js';
import type { ServiceHooks } from './hooks.js';
import { IngressFeed, type IngressSink } from './ingress-feed.js';
import { ServiceLoop } from './loop.js';
import { ServiceRecords } from './records.js';
import { Services } from './services.js';

export interface RuntimeDeps {
  pool: Pool;
  placer: Placer;
  store: Store;
  /** The cluster's identity: task containers carry it, so only this cluster's are ever touched. */
  clusterId: string;
  leads(): boolean;
  /** Shoal's DNS addresses, which task containers get as their resolvers (none without the embedded DNS). */
  resolvers(): readonly string[];
  /** A node's hostname, also for nodes whose engine left the pool. */
  nodeName(nodeId: string): string | undefined;
  resyncMs?: number;
  /** How long a starting manager waits for the engines of its tasks (default 15 s). */
  engineGraceMs?: number;
  /** What secrets and configs add: a check of each spec, a task's files before it starts. */
  hooks?: ServiceHooks;
  /** Shoal's ingress, fed with the services' published ports and their tasks' engine ports. */
  ingress?: IngressSink;
}

const ENGINE_GRACE_MS = 15_000;

/** Where one task's log comes from. */
export interface TaskLogSource {
  engine: Engine;
  containerId: string;
  nodeId: string;
  serviceId: string;
  taskId: string;
  tty: boolean;
}

export class ServicesRuntime {
  readonly records: ServiceRecords;
  readonly api: Services;
  readonly loop: ServiceLoop;
  private readonly watch: ClusterWatch;
  private readonly ingress: IngressFeed | undefined;
  private loaded: Promise<void> | undefined;
  /** The records were read while this manager led, and it has led ever since. */
  private fresh = false;
  private stopped = false;

  constructor(private readonly deps: RuntimeDeps) {
    this.records = new ServiceRecords(deps.store);
    this.watch = new ClusterWatch(deps.pool, deps.clusterId);
    // The loop acts only on records read while this manager leads: a manager that has just won the lock
    // has not yet read what the previous leader wrote, and would take its task containers for strays.
    this.loop = new ServiceLoop({
      ...deps,
      records: this.records,
      watch: this.watch,
      leads: () => {
        if (!deps.leads()) this.fresh = false;
        return this.fresh;
      },
    });
    this.api = new Services({
      pool: deps.pool,
      records: this.records,
      nodes: () => this.watch.nodes(Date.now()).nodes,
      nodeName: (id) => deps.nodeName(id),
      hooks: deps.hooks,
    });
    // Task containers changing (died, started, removed) and engines coming and going wake the loop.
    deps.pool.onContainerChange((engine, id, labels) => {
      if (labels?.[TASK_LABELS.taskId]) this.loop.kick();
    });
    deps.pool.onTransition(() => this.loop.kick());
    deps.pool.nodeSpecs.onChange(() => this.loop.kick());
    if (deps.ingress) this.ingress = new IngressFeed({ ...deps, records: this.records, sink: deps.ingress });
  }

  /** Loads the records (tried again until the store answers), then runs the loop. */
  start(): Promise<void> {
    this.ingress?.start();
    this.loaded ??= this.load()
      .then(() => this.engineOfEveryTask())
      .then(() => {
        if (!this.stopped) this.loop.start();
      });
    return this.loaded;
  }

  /** A new leader reads what the previous one wrote before it acts. */
  async elected(): Promise<void> {
    this.fresh = false;
    await this.load();
    await this.engineOfEveryTask();
    this.loop.kick();
  }

  /**
   * A manager that has just started waits (a while at most) until the engines its tasks run on have
   * answered once: before that their nodes look gone, and their tasks would be moved (and a rolling
   * update's slots done again).
   */
  private async engineOfEveryTask(): Promise<void> {
    const deadline = Date.now() + (this.deps.engineGraceMs ?? ENGINE_GRACE_MS);
    while (!this.stopped && Date.now() < deadline) {
      const known = new Set(this.deps.pool.validated().map((e) => nodeIdOf(e.id)));
      const waiting = this.records
        .allTasks()
        .some((t) => t.NodeID !== '' && isActive(t.DesiredState) && !known.has(t.NodeID));
      if (!waiting) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): void {
    this.stopped = true;
    this.loop.stop();
    this.ingress?.stop();
  }

  /**
   * Removes those of these containers that are task containers of a service that no longer exists (the
   * loop would remove them soon anyway); returns how many went.
   */
  async releaseContainers(ids: readonly string[]): Promise<number> {
    const wanted = new Set(ids);
    const work: Promise<unknown>[] = [];
    for (const engine of this.deps.pool.healthy()) {
      for (const c of engine.containers.values()) {
        const l = c.detail.Config.Labels ?? {};
        if (!wanted.has(c.id) || l[TASK_LABELS.cluster] !== this.deps.clusterId) continue;
        const serviceId = l[TASK_LABELS.serviceId] ?? '';
        if (serviceId === '' || this.records.service(serviceId)) continue;
        work.push(engine.ops.removeContainer(c.id, { force: true }));
      }
    }
    const done = await Promise.allSettled(work);
    return done.filter((r) => r.status === 'fulfilled').length;
  }

  /** The task containers of a service (or of one task) on the engines that answer, and new ones as they come. */
  logSources(of: { serviceId?: string; taskId?: string }): {
    sources: TaskLogSource[];
    watch: { subscribe(add: (s: TaskLogSource) => void): () => void };
  } {
    const seen = new Set<string>();
    const find = (): TaskLogSource[] => {
      const out: TaskLogSource[] = [];
      for (const engine of this.deps.pool.healthy()) {
        for (const c of engine.containers.values()) {
          const l = c.detail.Config.Labels ?? {};
          // A container not started yet has no log to follow (the engine ends a follow of it at once).
          if (l[TASK_LABELS.cluster] !== this.deps.clusterId || seen.has(c.id) || c.state === 'created')
            continue;
          if (of.serviceId && l[TASK_LABELS.serviceId] !== of.serviceId) continue;
          if (of.taskId && l[TASK_LABELS.taskId] !== of.taskId) continue;
          seen.add(c.id);
          out.push({
            engine,
            containerId: c.id,
            nodeId: l[TASK_LABELS.nodeId] ?? nodeIdOf(engine.id),
            serviceId: l[TASK_LABELS.serviceId] ?? '',
            taskId: l[TASK_LABELS.taskId] ?? '',
            tty: c.detail.Config.Tty === true,
          });
        }
      }
      return out;
    };
    const sources = find();
    const watch = {
      subscribe: (add: (s: TaskLogSource) => void) => {
        const listener = () => find().forEach(add);
        return this.deps.pool.onContainerChange(listener);
      },
    };
    return { sources, watch };
  }

  private async load(): Promise<void> {
    for (let delay = 500; !this.stopped; delay = Math.min(delay * 2, 10_000)) {
      try {
        const leading = this.deps.leads();
        await this.records.load();
        this.fresh = leading && this.deps.leads();
        break;
      } catch (err) {
        log.warn(`Services: cannot read the cluster state store (${(err as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
