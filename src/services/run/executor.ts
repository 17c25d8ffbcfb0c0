// The engine half of a pass's actions: place and create task containers, start, stop and remove them.
// Each runs in the background, at most once at a time per task (or container): reconcile asks again on
// every pass while the work is under way, and a repeat is skipped, not run twice.
import { nodeIdOf } from '../../docker/swarm-id.js';
import type { Engine } from '../../engine/engine.js';
import { isEngineError } from '../../engine/errors.js';
import { kindOf } from '../../errors.js';
import { log } from '../../log.js';
import { createTaskContainer } from '../../placement/task-container.js';
import type { Placer } from '../../placement/placer.js';
import type { Action, PlaceTask } from '../actions.js';
import { stopGracePeriodMs } from '../spec.js';
import { rankOf } from '../task-state.js';
import { withPlacement, withStatus } from '../task-record.js';
import { taskContainerBody } from '../container-body.js';
import { allocatedPorts } from '../endpoint.js';
import { withClusterDns } from '../../docker/dns-body.js';
import { taskContainerLabels, taskName } from '../view.js';
import type { Task } from '../types.js';
import type { ServiceHooks } from './hooks.js';
import { taskPlacement } from './task-placement.js';
import type { ServiceRecords } from './records.js';

export interface ExecutorDeps {
  placer: Placer;
  records: ServiceRecords;
  clusterId: string;
  /** Shoal's DNS addresses for the task containers. */
  resolvers(): readonly string[];
  /** Called when a piece of work ended: the next pass sees what it did. */
  done(): void;
  /** Work on a task's container before it starts (its secrets' and configs' files). */
  hooks?: ServiceHooks;
}

/** The task changed while its placement was under way: nothing is made for it. */
class TaskMoved extends Error {}

export class Executor {
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: ExecutorDeps) {}

  get busy(): number {
    return this.inFlight.size;
  }

  /** Starts the engine actions (store actions are the loop's); `engines` maps node IDs to engines. */
  run(actions: readonly Action[], engines: ReadonlyMap<string, Engine>): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'placeTask':
          this.once(`task:${a.taskId}`, () => this.place(a));
          break;
        case 'startContainer': {
          const e = engines.get(a.nodeId);
          // The pass saw it created; the placement that made it may have started it since.
          const fresh = () => e?.containers.get(a.containerId)?.state === 'created';
          if (e)
            this.once(`task:${a.taskId}`, async () =>
              fresh() ? this.start(e, a.containerId, a.taskId) : undefined,
            );
          break;
        }
        case 'stopContainer': {
          const e = engines.get(a.nodeId);
          const t = this.deps.records.task(a.taskId);
          const grace = t ? Math.ceil(stopGracePeriodMs(t.Spec) / 1000) : 10;
          if (e) this.once(`stop:${a.containerId}`, () => e.ops.stopContainer(a.containerId, grace));
          break;
        }
        case 'removeContainer': {
          const e = engines.get(a.nodeId);
          if (e) this.once(`rm:${a.containerId}`, () => removeContainer(e, a.containerId));
          break;
        }
        case 'createTask':
        case 'markTask':
        case 'removeTask':
        case 'shutdownTask':
        case 'startTask':
        case 'updateService':
          break;
      }
    }
  }

  private once(key: string, work: () => Promise<void>): void {
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    work()
      .catch((err: unknown) => log.debug(`Services: ${key}: ${(err as Error).message}`))
      .finally(() => {
        this.inFlight.delete(key);
        this.deps.done();
      });
  }

  private async place(a: PlaceTask): Promise<void> {
    const { records, placer, clusterId } = this.deps;
    const task = records.task(a.taskId);
    const service = records.service(a.serviceId);
    if (!task || !service || !placeable(task)) return;
    let assignedTo: string | undefined;
    try {
      const made = await createTaskContainer(placer, {
        name: taskName(service, task),
        service: taskPlacement(task, a),
        body: (engine) => {
          const placed = { ...task, NodeID: engine ? nodeIdOf(engine.id) : '' };
          const labels = taskContainerLabels(service, placed, clusterId);
          const body = taskContainerBody(task.Spec, labels, allocatedPorts(service));
          return withClusterDns(body, this.deps.resolvers());
        },
        assigned: async (engine) => {
          const nodeId = nodeIdOf(engine.id);
          await records.commit((d) => {
            const t = d.task(task.ID);
            if (!t || !placeable(t) || (t.NodeID !== '' && t.NodeID !== nodeId)) throw new TaskMoved();
            d.putTask(withPlacement(t, nodeId, d.now, d.index));
          });
          assignedTo = nodeId;
        },
      });
      if (records.task(task.ID)?.DesiredState === 'running') await this.start(made.engine, made.id, task.ID);
    } catch (err) {
      if (err instanceof TaskMoved) return;
      // No node fits: the task waits, pending, saying why (each pass tries again).
      if (assignedTo === undefined && kindOf(err) === 'unavailable' && !isEngineError(err, 'unreachable')) {
        await this.mark(task.ID, 'pending', 'pending task scheduling', (err as Error).message);
        return;
      }
      if (assignedTo !== undefined) {
        await this.mark(task.ID, 'rejected', 'preparing', (err as Error).message);
        return;
      }
      throw err;
    }
  }

  /**
   * Starts a task's container once the hooks have prepared it; a task they cannot prepare (its secret's
   * file refused by the engine) is rejected, as the engine's executor rejects it, instead of started.
   */
  private async start(engine: Engine, containerId: string, taskId: string): Promise<void> {
    const task = this.deps.records.task(taskId);
    if (task && this.deps.hooks) {
      try {
        await this.deps.hooks.beforeStart(engine, containerId, task);
      } catch (err) {
        if (isEngineError(err, 'unreachable', 'noSuchContainer')) throw err;
        await this.mark(taskId, 'rejected', 'preparing', (err as Error).message);
        return;
      }
    }
    await engine.ops.startContainer(containerId);
  }

  /** Marks the task, unless it already says the same (a task that stays pending is written once). */
  private async mark(
    taskId: string,
    state: Task['Status']['State'],
    message: string,
    err: string,
  ): Promise<void> {
    const cur = this.deps.records.task(taskId);
    if (!cur || (cur.Status.State === state && cur.Status.Err === err)) return;
    await this.deps.records.commit((d) => {
      const t = d.task(taskId);
      if (!t) return;
      const same = t.Status.State === state;
      const next = same
        ? {
            ...t,
            Version: { Index: d.index },
            Status: { ...t.Status, Err: err, Timestamp: new Date(d.now).toISOString() },
          }
        : withStatus(t, { serviceId: t.ServiceID, taskId, state, message, err }, d.now, d.index);
      if (next !== t) d.putTask(next);
    });
  }
}

/** Not placed yet and still wanted. */
function placeable(t: Task): boolean {
  return rankOf(t.Status.State) < rankOf('assigned') && rankOf(t.DesiredState) <= rankOf('running');
}

async function removeContainer(engine: Engine, id: string): Promise<void> {
  try {
    await engine.ops.removeContainer(id, { force: true });
  } catch (err) {
    if (!isEngineError(err, 'noSuchContainer', 'notFound')) throw err;
  }
}
