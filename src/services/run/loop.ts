// The services loop: on the leader, after every change (engine events, node changes, API writes, work
// done) and on a timer, it compares what should be with what is (reconcile) and carries out the actions:
// store writes first, in one group, then engine work in the background.
import type { Placer } from '../../placement/placer.js';
import type { Pool } from '../../pool/pool.js';
import { log } from '../../log.js';
import { StoreReadOnlyError } from '../../store/errors.js';
import { reconcile, wakeAt } from '../reconcile.js';
import { placement, serviceMode, taskTemplate } from '../spec.js';
import { isActive } from '../pass.js';
import type { DesiredService, NodeInfo, Service, Task } from '../types.js';
import type { ClusterWatch } from './cluster.js';
import { Executor } from './executor.js';
import type { ServiceHooks } from './hooks.js';
import type { ServiceRecords } from './records.js';
import { applyStoreActions, isStoreAction } from './store-actions.js';
import { eligibleNodes } from './eligible.js';

export interface LoopDeps {
  pool: Pool;
  placer: Placer;
  records: ServiceRecords;
  clusterId: string;
  watch: ClusterWatch;
  resolvers(): readonly string[];
  /** Only the leader acts. */
  leads(): boolean;
  /** Periodic pass even when nothing is heard (missed events, delays that ran out). */
  resyncMs?: number;
  clock?: () => number;
  /** Work on a task's container before it starts (its secrets' and configs' files). */
  hooks?: ServiceHooks;
}

export class ServiceLoop {
  private readonly executor: Executor;
  private running = false;
  private again = false;
  private scheduled = false;
  private stopped = true;
  private resync: NodeJS.Timeout | undefined;
  private wake: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly clock: () => number;
  /** Passes run so far (for tests and benchmarks). */
  passes = 0;

  constructor(private readonly deps: LoopDeps) {
    this.executor = new Executor({ ...deps, done: () => this.kick() });
    this.clock = deps.clock ?? Date.now;
    deps.records.onChange(() => this.kick());
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.resync = setInterval(() => this.kick(), this.deps.resyncMs ?? 5_000);
    this.resync.unref();
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.resync) clearInterval(this.resync);
    if (this.wake) clearTimeout(this.wake.timer);
    this.wake = undefined;
  }

  /** Asks for a pass soon; passes never overlap, and kicks during one make one more after it. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pass();
    });
  }

  private async pass(): Promise<void> {
    if (this.stopped || this.running || !this.deps.leads()) return;
    this.running = true;
    try {
      await this.passOnce();
    } catch (err) {
      if (!(err instanceof StoreReadOnlyError)) log.warn(`Services: ${(err as Error).message}`);
    } finally {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    }
  }

  private async passOnce(): Promise<void> {
    this.passes++;
    const { records } = this.deps;
    const now = this.clock();
    const view = this.deps.watch.view(now);
    const services = records.allServices();
    const desired = { services: services.map((s) => this.desiredOf(s, view.nodes)), nodes: view.nodes };
    const tasks = records.allTasks();
    const actions = reconcile(desired, { tasks, containers: view.containers }, now);
    const store = actions.filter(isStoreAction);
    if (store.length > 0) await records.commit((d) => applyStoreActions(d, store));
    this.executor.run(actions, view.engines);
    this.setWake(wakeAt(records.allTasks(), now, records.allServices()));
  }

  /**
   * A global service's nodes; a replicated one's only while a task meant to run is of another generation
   * (whether a placement-only change leaves it up to date depends on its node).
   */
  private desiredOf(service: Service, nodes: readonly NodeInfo[]): DesiredService {
    const global = serviceMode(service.Spec).kind === 'global';
    const older = (t: Task) => t.SpecVersion !== service.SpecVersion && isActive(t.DesiredState);
    if (!global && !this.deps.records.tasksOf(service.ID).some(older)) return { service };
    const constraints = placement(taskTemplate(service.Spec)).constraints;
    return { service, eligibleNodes: eligibleNodes(this.deps.pool, constraints, nodes) };
  }

  private setWake(at: number | undefined): void {
    if (at === undefined || (this.wake && this.wake.at <= at)) return;
    if (this.wake) clearTimeout(this.wake.timer);
    const timer = setTimeout(
      () => {
        this.wake = undefined;
        this.kick();
      },
      Math.max(0, at - this.clock()) + 5,
    );
    timer.unref();
    this.wake = { at, timer };
  }
}
