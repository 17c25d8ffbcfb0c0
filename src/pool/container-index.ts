// Cluster-wide indices over every engine's containers: by ID and by name, kept in step with the caches.
import type { CacheChange } from '../engine/container-cache.js';
import type { Engine } from '../engine/engine.js';

export class ContainerIndex {
  private readonly byId = new Map<string, Engine>();
  private readonly byName = new Map<string, Map<string, Engine>>();

  apply(engine: Engine, change: CacheChange): void {
    if (change.prev) this.unlink(change.prev.id, change.prev.name);
    if (change.kind === 'upsert') {
      this.byId.set(change.next.id, engine);
      let set = this.byName.get(change.next.name);
      if (!set) this.byName.set(change.next.name, (set = new Map<string, Engine>()));
      set.set(change.next.id, engine);
    }
  }

  private unlink(id: string, name: string): void {
    this.byId.delete(id);
    const set = this.byName.get(name);
    if (set) {
      set.delete(id);
      if (set.size === 0) this.byName.delete(name);
    }
  }

  engineOf(id: string): Engine | undefined {
    return this.byId.get(id);
  }

  /** Every container with this name, on any engine: id → engine. */
  named(name: string): ReadonlyMap<string, Engine> {
    return this.byName.get(name) ?? new Map<string, Engine>();
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
