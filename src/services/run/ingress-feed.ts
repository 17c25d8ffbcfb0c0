// Feeds Shoal's ingress: the services' published ports and the engine ports of their serving tasks, pushed
// again on every task container change, engine transition and record change (coalesced to one push per
// turn of the event loop), and every few seconds. A manager that does not lead reads the services from
// the store each second (its records are the leader's as of its start), so every manager serves the ports.
import type { Engine } from '../../engine/engine.js';
import type { IngressRoute } from '../../ingress/route.js';
import { log } from '../../log.js';
import type { Pool } from '../../pool/pool.js';
import type { Store } from '../../store/store.js';
import { ingressPorts } from '../endpoint.js';
import { isOwnTaskContainer, TASK_LABELS } from '../facts.js';
import { ingressRoutes, type TaskPorts } from '../ingress-routes.js';
import type { Service } from '../types.js';
import { asService } from './record-shapes.js';
import type { ServiceRecords } from './records.js';

export interface IngressSink {
  apply(routes: readonly IngressRoute[]): void;
}

export interface IngressFeedDeps {
  pool: Pool;
  records: ServiceRecords;
  store: Store;
  clusterId: string;
  sink: IngressSink;
  leads(): boolean;
}

const RESYNC_MS = 5000;
const FOLLOW_MS = 1000;
/** Health states that keep a task out: swarm mode runs a task only once its health check has passed. */
const NOT_SERVING = new Set(['unhealthy', 'starting']);

export class IngressFeed {
  private pending = false;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  /** The services as last read from the store, while this manager does not lead. */
  private followed: Service[] | undefined;
  private reading = false;

  constructor(private readonly deps: IngressFeedDeps) {}

  start(): void {
    if (this.timers.length > 0) return;
    const { pool, records } = this.deps;
    pool.onContainerChange((_e, _id, labels) => {
      if (labels?.[TASK_LABELS.taskId]) this.kick();
    });
    pool.onTransition(() => this.kick());
    records.onChange(() => this.kick());
    this.timers.push(setInterval(() => this.kick(), RESYNC_MS));
    this.timers.push(setInterval(() => void this.follow(), FOLLOW_MS));
    for (const t of this.timers) t.unref();
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
  }

  /** Pushes the table once this turn of the event loop is over (many changes, one push). */
  kick(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (!this.stopped) this.deps.sink.apply(this.routes());
    });
  }

  routes(): IngressRoute[] {
    const all = this.deps.leads() ? this.deps.records.allServices() : (this.followed ?? []);
    // Only services that publish ingress ports: without any, no container is looked at.
    const services = all.filter((s) => ingressPorts(s).length > 0);
    const tasks: TaskPorts[] = [];
    const ids = new Set(services.map((s) => s.ID));
    if (ids.size > 0) for (const engine of this.deps.pool.healthy()) this.collect(engine, ids, tasks);
    return ingressRoutes(services, tasks);
  }

  private collect(engine: Engine, services: ReadonlySet<string>, out: TaskPorts[]): void {
    for (const c of engine.containers.values()) {
      const labels = c.detail.Config.Labels ?? c.summary.Labels;
      if (!isOwnTaskContainer(labels, this.deps.clusterId) || !labels) continue;
      if (!services.has(labels[TASK_LABELS.serviceId] ?? '')) continue;
      const task = this.deps.records.task(labels[TASK_LABELS.taskId] ?? '');
      const health = c.detail.State.Health?.Status ?? '';
      out.push({
        containerId: c.id,
        serviceId: labels[TASK_LABELS.serviceId] ?? '',
        host: engine.ip,
        bound: c.detail.NetworkSettings.Ports,
        serving:
          c.state === 'running' &&
          !NOT_SERVING.has(health) &&
          (task === undefined || task.DesiredState === 'running'),
      });
    }
  }

  private async follow(): Promise<void> {
    if (this.deps.leads()) {
      this.followed = undefined;
      return;
    }
    if (this.reading) return;
    this.reading = true;
    try {
      const entries = await this.deps.store.list('services/');
      const next = entries.flatMap((e) => asService(e.value) ?? []);
      const changed = JSON.stringify(next) !== JSON.stringify(this.followed);
      this.followed = next;
      if (changed) this.kick();
    } catch (err) {
      log.debug(`Ingress: cannot read the services from the store: ${(err as Error).message}`);
    } finally {
      this.reading = false;
    }
  }
}
