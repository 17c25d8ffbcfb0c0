// Rescheduling (classic's watchdog): when an engine fails, its `reschedule:on-node-failure` containers are
// re-created elsewhere with the same name and swarm ID, and started if they were running; when the engine
// comes back, its stale copies are removed. The store records each move (reschedule-records.ts).
import { jitter } from '../backoff.js';
import type { Engine } from '../engine/engine.js';
import { isEngineError } from '../engine/errors.js';
import type { CachedContainer, CreateSpec } from '../engine/types.js';
import { log } from '../log.js';
import { reschedulePolicyOf, SWARM_LABELS } from '../scheduler/swarm-config.js';
import { StoreReadOnlyError, StoreUnavailableError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { createContainer } from '../placement/create-container.js';
import type { Placer } from '../placement/placer.js';
import {
  abandonMove,
  claimMove,
  completeMove,
  copyRef,
  isStale,
  MOVE_LEASE_MS,
  moveRecords,
  staleRemoved,
  type CopyRef,
  type MoveRecord,
} from './records.js';

/** A create body from an inspect: the same settings, without what belonged to the old container. */
export function bodyFromSpec(id: string, spec: CreateSpec): Record<string, unknown> {
  const config: Record<string, unknown> = { ...spec.Config };
  if (config['Hostname'] === id.slice(0, 12)) delete config['Hostname'];
  const endpoints: Record<string, unknown> = {};
  for (const [net, ep] of Object.entries(spec.Networks)) {
    if (['bridge', 'host', 'none', 'default'].includes(net)) continue;
    endpoints[net] = { Aliases: (ep?.Aliases ?? []).filter((a) => a !== id.slice(0, 12)) };
  }
  return { ...config, HostConfig: { ...spec.HostConfig }, NetworkingConfig: { EndpointsConfig: endpoints } };
}

/**
 * Running when the engine failed. A daemon that shuts down stops its containers first, so a container that
 * stopped in the moment before its engine went away counts as running (classic left those stopped).
 */
export const SHUTDOWN_WINDOW_MS = 20_000;

export function wasRunning(c: CachedContainer, failedAt: number): boolean {
  if (c.detail.State.Running) return true;
  const finished = Date.parse(c.detail.State.FinishedAt ?? '');
  return !Number.isNaN(finished) && failedAt - finished < SHUTDOWN_WINDOW_MS && failedAt - finished >= -5000;
}

export class Rescheduler {
  private readonly busy = new Set<string>();
  /** Containers moved off failed engines, moves that failed, and stale copies removed (the metrics read these). */
  readonly counts = { moved: 0, failed: 0, staleRemoved: 0 };

  constructor(
    private readonly placer: Placer,
    private readonly store: Store,
  ) {}

  /** Engine events, as the pool reports them. */
  onTransition(engine: Engine, what: string): void {
    if (what === 'engine_disconnect') void this.moveAll(engine, candidates(engine), Date.now());
    else void this.removeStale(engine);
  }

  /**
   * A manager that starts leading catches up: containers of engines that failed while it followed are
   * moved (those an earlier leader already moved are only recorded), and stale copies are looked for.
   */
  resume(): void {
    for (const engine of this.placer.pool.validated()) {
      if (engine.isHealthy) void this.removeStale(engine);
      else void this.moveAll(engine, candidates(engine), Date.now());
    }
  }

  private async moveAll(from: Engine, containers: CachedContainer[], failedAt: number): Promise<void> {
    for (const c of containers) {
      if (this.busy.has(c.id)) continue;
      this.busy.add(c.id);
      try {
        await this.move(from, c, wasRunning(c, failedAt));
      } catch (err) {
        this.storeTrouble(err, `Cannot reschedule ${c.name} now`, () => {
          if (!from.isHealthy && from.containers.get(c.id)) void this.moveAll(from, [c], failedAt);
        });
      } finally {
        this.busy.delete(c.id);
      }
    }
  }

  /** Another healthy engine's container with the swarm ID: the copy an earlier move made. */
  private liveCopy(swarmId: string, not: Engine, except: (id: string) => boolean): CopyRef | undefined {
    for (const [id, e] of this.placer.pool.containers.withSwarmId(swarmId))
      if (e !== not && e.isHealthy && !except(id)) return copyRef(e, id);
    return undefined;
  }

  private async move(from: Engine, old: CachedContainer, running: boolean): Promise<void> {
    const spec = old.detail.spec;
    if (!spec) {
      log.warn(`Cannot reschedule ${old.name}: its settings were not recorded`);
      return;
    }
    const store = this.store;
    const swarmId = old.summary.Labels?.[SWARM_LABELS.id];
    const ref = copyRef(from, old.id);
    let before: MoveRecord | undefined;
    if (swarmId) {
      const live = this.liveCopy(swarmId, from, (id) => id === old.id);
      if (live) {
        // Moved by an earlier leader (or before a restart): recorded, not moved twice.
        await completeMove(store, { swarmId, name: old.name, current: live }, ref);
        this.placer.pool.containers.supersede(old.id);
        from.containers.remove(old.id, from.containers.nextSeq());
        log.info(`Container ${old.id} was already rescheduled to ${live.engineName} as ${live.container}`);
        return;
      }
      const claim = await claimMove(store, swarmId, old.name, ref);
      if (claim === 'busy') {
        log.info(`Container ${old.id} is being rescheduled by another manager`);
        return;
      }
      before = claim.before;
    }
    // The old copy leaves the cache first, so its name and swarm ID are free for the new one.
    from.containers.remove(old.id, from.containers.nextSeq());
    try {
      const created = await createContainer(this.placer, {
        name: old.name,
        body: bodyFromSpec(old.id, spec),
        query: {},
        version: '',
        headers: {},
      });
      // Whatever the old engine does while it dies (answer again, resync), its copy never takes the name.
      this.placer.pool.containers.supersede(old.id);
      this.counts.moved++;
      log.info(
        `Rescheduled container ${old.id} from ${from.name} to ${created.engine.name} as ${created.id}`,
      );
      if (swarmId)
        await completeMove(
          store,
          { swarmId, name: old.name, current: copyRef(created.engine, created.id) },
          ref,
        ).catch((err: unknown) =>
          log.error(`Could not record the move of ${old.id}: ${(err as Error).message}`),
        );
      if (running) await startMoved(old.id, created.engine, created.id);
    } catch (err) {
      this.counts.failed++;
      log.error(`Failed to reschedule container ${old.id} from ${from.name}: ${(err as Error).message}`);
      // Put it back, so it shows (Host Down) and is retried on the next failure.
      from.containers.apply(old, from.containers.nextSeq());
      if (swarmId) await abandonMove(store, swarmId, before).catch(() => undefined);
    }
  }

  /** Copies the records say are not the live one go (without a record: when the swarm ID is elsewhere). */
  private async removeStale(engine: Engine): Promise<void> {
    const ids = [...engine.containers.values()].some((c) => c.summary.Labels?.[SWARM_LABELS.id]);
    if (!ids) return;
    let records: Map<string, MoveRecord>;
    try {
      records = await moveRecords(this.store);
    } catch (err) {
      this.storeTrouble(err, `Cannot look for stale copies on ${engine.name} now`, () => {
        if (engine.isHealthy) void this.removeStale(engine);
      });
      return;
    }
    let failed = false;
    for (const c of [...engine.containers.values()]) {
      const swarmId = c.summary.Labels?.[SWARM_LABELS.id];
      if (!swarmId) continue;
      const rec = records.get(swarmId);
      const stale = rec
        ? isStale(await this.settle(rec, engine), c.id)
        : this.liveCopy(swarmId, engine, (id) => id === c.id) !== undefined;
      if (!stale) continue;
      this.placer.pool.containers.supersede(c.id);
      try {
        // Already gone (another pass, or by hand) is as good as removed.
        await engine.ops.removeContainer(c.id, { force: true, volumes: true }).catch((err: unknown) => {
          if (!isEngineError(err, 'noSuchContainer')) throw err;
        });
        engine.containers.remove(c.id, engine.containers.nextSeq());
        this.placer.pool.containers.removedFromEngine(c.id);
        this.counts.staleRemoved++;
        log.info(`Removed duplicate container ${c.id} (${c.name}) from ${engine.name}: it was rescheduled`);
        if (rec) await staleRemoved(this.store, swarmId, c.id);
      } catch (err) {
        failed = true;
        log.warn(
          `Could not remove duplicate container ${c.id} from ${engine.name}: ${(err as Error).message}`,
        );
      }
    }
    // An engine busy (shutting down, overloaded) is asked again while it stays up.
    if (failed)
      setTimeout(() => {
        if (engine.isHealthy) void this.removeStale(engine);
      }, jitter(RETRY_MS)).unref();
  }

  /** A move left `moving` past its lease (its manager died) whose copy exists is recorded as done. */
  private async settle(rec: MoveRecord, here: Engine): Promise<MoveRecord> {
    if (rec.state !== 'moving' || Date.now() - Date.parse(rec.since) < MOVE_LEASE_MS) return rec;
    const live = this.liveCopy(rec.swarmId, here, (id) => rec.stale.some((s) => s.container === id));
    if (!live) return rec;
    await completeMove(this.store, { ...rec, current: live }).catch(() => undefined);
    return { ...rec, state: 'moved', current: live };
  }

  private storeTrouble(err: unknown, what: string, retry: () => void): void {
    if (err instanceof StoreReadOnlyError) return log.debug(`${what}: ${err.message}`);
    log.error(`${what}: ${(err as Error).message}`);
    if (err instanceof StoreUnavailableError) setTimeout(retry, jitter(RETRY_MS)).unref();
  }
}

const RETRY_MS = 5_000;

function candidates(engine: Engine): CachedContainer[] {
  return [...engine.containers.values()].filter(
    (c) => reschedulePolicyOf(c.detail.Config.Labels) === 'on-node-failure',
  );
}

async function startMoved(oldId: string, engine: Engine, id: string): Promise<void> {
  log.info(`Container ${oldId} was running, starting container ${id}`);
  try {
    await engine.ops.startContainer(id);
  } catch (err) {
    log.error(`Failed to start rescheduled container ${id}: ${(err as Error).message}`);
  }
}
