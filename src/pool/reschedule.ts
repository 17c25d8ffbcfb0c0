// Rescheduling (classic's watchdog): when an engine fails, its `reschedule:on-node-failure` containers are
// re-created elsewhere with the same name and swarm ID, and started if they were running; when the engine
// comes back, its stale copies are removed.
import type { Engine } from '../engine/engine.js';
import type { CachedContainer, CreateSpec } from '../engine/types.js';
import { log } from '../log.js';
import { reschedulePolicyOf, SWARM_LABELS } from '../scheduler/swarm-config.js';
import { createContainer, type Placer } from './create-container.js';

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

  constructor(private readonly placer: Placer) {}

  /** Engine events, as the pool reports them. */
  onTransition(engine: Engine, what: string): void {
    if (what === 'engine_disconnect') {
      const candidates = [...engine.containers.values()].filter(
        (c) => reschedulePolicyOf(c.detail.Config.Labels) === 'on-node-failure',
      );
      void this.moveAll(engine, candidates, Date.now());
    } else {
      void this.removeStale(engine);
    }
  }

  private async moveAll(from: Engine, containers: CachedContainer[], failedAt: number): Promise<void> {
    for (const c of containers) {
      if (this.busy.has(c.id)) continue;
      this.busy.add(c.id);
      try {
        await this.move(from, c, wasRunning(c, failedAt));
      } finally {
        this.busy.delete(c.id);
      }
    }
  }

  private async move(from: Engine, old: CachedContainer, running: boolean): Promise<void> {
    const spec = old.detail.spec;
    if (!spec) {
      log.warn(`Cannot reschedule ${old.name}: its settings were not recorded`);
      return;
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
      log.info(
        `Rescheduled container ${old.id} from ${from.name} to ${created.engine.name} as ${created.id}`,
      );
      if (running) {
        log.info(`Container ${old.id} was running, starting container ${created.id}`);
        try {
          await created.engine.client.json('POST', `/containers/${created.id}/start`);
          await created.engine.refreshContainer(created.id);
        } catch (err) {
          log.error(`Failed to start rescheduled container ${created.id}: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      log.error(`Failed to reschedule container ${old.id} from ${from.name}: ${(err as Error).message}`);
      // Put it back, so it shows (Host Down) and is retried on the next failure.
      from.containers.apply(old, from.containers.nextSeq());
    }
  }

  /** A container whose swarm ID lives on another engine was rescheduled away: this copy goes. */
  private async removeStale(engine: Engine): Promise<void> {
    const pool = this.placer.pool;
    for (const c of [...engine.containers.values()]) {
      const swarmId = c.summary.Labels?.[SWARM_LABELS.id];
      if (!swarmId) continue;
      const elsewhere = [...pool.containers.withSwarmId(swarmId)].some(
        ([id, e]) => e !== engine && id !== c.id,
      );
      if (!elsewhere) continue;
      try {
        await engine.client.json('DELETE', `/containers/${c.id}`, { query: { force: '1', v: '1' } });
        engine.containers.remove(c.id, engine.containers.nextSeq());
        log.info(`Removed duplicate container ${c.id} (${c.name}) from ${engine.name}: it was rescheduled`);
      } catch (err) {
        log.warn(
          `Could not remove duplicate container ${c.id} from ${engine.name}: ${(err as Error).message}`,
        );
      }
    }
  }
}
