// Cluster-wide indices over every engine's containers: by ID and by name, kept in step with the caches.
import type { CacheChange } from '../engine/container-cache.js';
import type { Engine } from '../engine/engine.js';
import type { CachedContainer } from '../engine/types.js';

function swarmIdOf(c: CachedContainer): string {
  return c.summary.Labels?.['com.docker.swarm.id'] ?? '';
}

function link(index: Map<string, Map<string, Engine>>, key: string, id: string, engine: Engine): void {
  if (!key) return;
  let set = index.get(key);
  if (!set) index.set(key, (set = new Map<string, Engine>()));
  set.set(id, engine);
}

function unlink(index: Map<string, Map<string, Engine>>, key: string, id: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}

const EMPTY: ReadonlyMap<string, Engine> = new Map<string, Engine>();

export class ContainerIndex {
  private readonly byId = new Map<string, Engine>();
  private readonly byName = new Map<string, Map<string, Engine>>();
  /** com.docker.swarm.id → container IDs (more than one while a rescheduled container's old copy lingers). */
  private readonly bySwarmId = new Map<string, Map<string, Engine>>();
  /** Old copies a reschedule replaced: they never take the name from the live copy, whatever their engine does. */
  private readonly superseded = new Set<string>();

  apply(engine: Engine, change: CacheChange): void {
    if (change.prev) {
      this.byId.delete(change.prev.id);
      unlink(this.byName, change.prev.name, change.prev.id);
      unlink(this.bySwarmId, swarmIdOf(change.prev), change.prev.id);
    }
    if (change.kind === 'upsert') {
      this.byId.set(change.next.id, engine);
      link(this.byName, change.next.name, change.next.id, engine);
      link(this.bySwarmId, swarmIdOf(change.next), change.next.id, engine);
    }
  }

  /** Containers carrying this swarm ID, on any engine (superseded copies only when alone). */
  withSwarmId(swarmId: string): ReadonlyMap<string, Engine> {
    return this.current(this.bySwarmId.get(swarmId));
  }

  /** Swarm IDs starting with the prefix (stops after two). */
  swarmIdsWithPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (const id of this.bySwarmId.keys()) {
      if (id.startsWith(prefix)) {
        out.push(id);
        if (out.length > 1) break;
      }
    }
    return out;
  }

  engineOf(id: string): Engine | undefined {
    return this.byId.get(id);
  }

  /** Every container with this name, on any engine: id → engine (superseded copies only when alone). */
  named(name: string): ReadonlyMap<string, Engine> {
    return this.current(this.byName.get(name));
  }

  /** Marks an old copy of a rescheduled container; until it is gone from its engine it yields the name. */
  supersede(id: string): void {
    this.superseded.add(id);
  }

  /** The old copy was removed from its engine: nothing left to yield. */
  removedFromEngine(id: string): void {
    this.superseded.delete(id);
  }

  isSuperseded(id: string): boolean {
    return this.superseded.has(id);
  }

  private current(holders: Map<string, Engine> | undefined): ReadonlyMap<string, Engine> {
    if (!holders) return EMPTY;
    if (holders.size < 2 || this.superseded.size === 0) return holders;
    const live = new Map([...holders].filter(([id]) => !this.superseded.has(id)));
    return live.size > 0 ? live : holders;
  }

  /** IDs starting with the prefix (stops after two: enough to tell unique from ambiguous). */
  withPrefix(prefix: string): [string, Engine][] {
    const out: [string, Engine][] = [];
    for (const [id, engine] of this.byId) {
      if (id.startsWith(prefix)) {
        out.push([id, engine]);
        if (out.length > 1) break;
      }
    }
    return out;
  }

  get size(): number {
    return this.byId.size;
  }
}
