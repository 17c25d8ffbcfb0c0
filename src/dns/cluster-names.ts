// Keeps the cluster's names current from the engines: each cached container change updates that
// container's names at once (a replica that stops or turns unhealthy leaves the answers as its engine's
// event arrives), an engine that goes down takes its names with it, and a periodic rebuild repairs the rest.
import type { Engine } from '../engine/engine.js';
import type { CachedContainer } from '../engine/types.js';
import { CLUSTER_LABEL } from '../networks/cluster-networks.js';
import type { Pool } from '../pool/pool.js';
import { NAME_LABELS } from '../docker/dns-body.js';
import {
  NameIndex,
  type NameChange,
  type NameFeed,
  type NamedContainer,
  type NamedEndpoint,
} from './records.js';

const LABELS = NAME_LABELS;

export class ClusterNames implements NameFeed {
  readonly index = new NameIndex();
  private readonly followers: ((changes: readonly NameChange[]) => void)[] = [];
  /** Changes not yet told to the followers: sent together once the current turn's work is done. */
  private pending: NameChange[] = [];
  /** Which engine each indexed container is on (to drop an engine's names). */
  private readonly engineOf = new Map<string, Engine>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pool: Pool) {}

  start(rebuildMs = 30_000): void {
    this.pool.onContainerChange((engine, id) => this.update(engine, id));
    this.pool.onTransition((engine, what) => {
      if (what === 'engine_disconnect') this.dropEngine(engine);
      else this.addEngine(engine);
    });
    // A network's parts appear after its containers' events on a new engine: names follow the list.
    this.pool.onListChange((engine, kind) => {
      if (kind === 'networks') this.addEngine(engine);
    });
    this.timer = setInterval(() => this.rebuild(), rebuildMs);
    this.timer.unref();
    this.rebuild();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  snapshot(): NamedContainer[] {
    return [...this.index.all()];
  }

  follow(listener: (changes: readonly NameChange[]) => void): void {
    this.followers.push(listener);
  }

  rebuild(): void {
    const seen = new Set<string>();
    for (const engine of this.pool.healthy()) {
      for (const c of engine.containers.values()) {
        seen.add(c.id);
        this.setContainer(engine, c);
      }
    }
    for (const id of [...this.engineOf.keys()]) if (!seen.has(id)) this.drop(id);
  }

  private update(engine: Engine, id: string): void {
    const c = engine.isHealthy ? engine.containers.get(id) : undefined;
    if (c) this.setContainer(engine, c);
    else if (this.engineOf.get(id) === engine) this.drop(id);
  }

  private addEngine(engine: Engine): void {
    if (!engine.isHealthy) return;
    for (const c of engine.containers.values()) this.setContainer(engine, c);
  }

  private dropEngine(engine: Engine): void {
    for (const [id, e] of this.engineOf) if (e === engine) this.drop(id);
  }

  /** Indexes a container; one the index already has as it is now (a rebuild's usual case) is left alone. */
  private setContainer(engine: Engine, c: CachedContainer): void {
    this.engineOf.set(c.id, engine);
    const now = named(engine, c);
    const before = this.index.container(c.id);
    if (before && JSON.stringify(before) === JSON.stringify(now)) return;
    this.index.set(now);
    this.tell({ set: now });
  }

  private drop(id: string): void {
    this.index.remove(id);
    this.engineOf.delete(id);
    this.tell({ remove: id });
  }

  private tell(change: NameChange): void {
    if (this.followers.length === 0) return;
    if (this.pending.length === 0)
      queueMicrotask(() => {
        const changes = this.pending;
        this.pending = [];
        for (const f of this.followers) f(changes);
      });
    this.pending.push(change);
  }
}

/** A cached container as the resolver sees it. */
export function named(engine: Engine, c: CachedContainer): NamedContainer {
  const labels = c.detail.Config.Labels ?? {};
  const health = c.detail.State.Health?.Status;
  const project = labels[LABELS.project];
  const composeService = labels[LABELS.composeService];
  const swarmService = labels[LABELS.swarmService];
  const upstreams = labels[LABELS.upstream];
  const endpoints: NamedEndpoint[] = [];
  for (const e of Object.values(c.detail.NetworkSettings.Networks ?? {})) {
    if (!e?.IPAddress || !e.NetworkID) continue;
    endpoints.push({
      networkId: networkKey(engine, e.NetworkID),
      ipv4: e.IPAddress,
      ...(e.GlobalIPv6Address ? { ipv6: e.GlobalIPv6Address } : {}),
      aliases: e.Aliases ?? [],
    });
  }
  return {
    id: c.id,
    name: c.name,
    serving: c.state === 'running' && (health === undefined || health === 'healthy'),
    ...(project && composeService ? { compose: { project, service: composeService } } : {}),
    ...(swarmService ? { swarmService } : {}),
    endpoints,
    ports: Object.keys(c.detail.Config.ExposedPorts ?? {}),
    ...(upstreams ? { upstreams: upstreams.split(',').filter(Boolean) } : {}),
  };
}

/** A cluster network's parts share its ID; an engine's own network is its own (never shared across engines). */
function networkKey(engine: Engine, networkId: string): string {
  const n = engine.lists.networks.find((x) => x.Id === networkId);
  const cluster = n?.Labels?.[CLUSTER_LABEL];
  return cluster ?? `${engine.id}/${networkId}`;
}
