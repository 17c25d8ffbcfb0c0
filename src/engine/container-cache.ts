// One engine's containers, kept current by events and refreshes; late answers never overwrite newer ones.
import type { CachedContainer } from './types.js';

export type CacheChange =
  | { kind: 'upsert'; prev: CachedContainer | undefined; next: CachedContainer }
  | { kind: 'remove'; prev: CachedContainer };

interface Slot {
  container: CachedContainer;
  /** Sequence number of the fetch whose answer this is. */
  seq: number;
}

const TOMBSTONE_MS = 60_000;

export class ContainerCache {
  private readonly slots = new Map<string, Slot>();
  private readonly tombstones = new Map<string, { seq: number; at: number }>();
  private counter = 0;

  constructor(private readonly onChange: (change: CacheChange) => void = () => undefined) {}

  /** Call before asking the engine; pass the number to apply()/remove() with the answer. */
  nextSeq(): number {
    return ++this.counter;
  }

  get size(): number {
    return this.slots.size;
  }

  get(id: string): CachedContainer | undefined {
    return this.slots.get(id)?.container;
  }

  values(): IterableIterator<CachedContainer> {
    return (function* (slots: Map<string, Slot>) {
      for (const s of slots.values()) yield s.container;
    })(this.slots);
  }

  ids(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** Records a fetched container unless something newer (an update or a removal) is already known. */
  apply(container: CachedContainer, seq: number): boolean {
    const slot = this.slots.get(container.id);
    if (slot && slot.seq > seq) return false;
    const tomb = this.tombstones.get(container.id);
    if (tomb && tomb.seq > seq) return false;
    this.slots.set(container.id, { container, seq });
    this.onChange({ kind: 'upsert', prev: slot?.container, next: container });
    return true;
  }

  /** Forgets a container (destroyed, or absent from a listing taken at `seq`). */
  remove(id: string, seq: number): boolean {
    const slot = this.slots.get(id);
    if (slot && slot.seq > seq) return false;
    this.tombstones.set(id, { seq, at: Date.now() });
    this.pruneTombstones();
    if (!slot) return false;
    this.slots.delete(id);
    this.onChange({ kind: 'remove', prev: slot.container });
    return true;
  }

  /** Everything goes (engine removed from the pool). */
  clear(): void {
    for (const slot of this.slots.values()) this.onChange({ kind: 'remove', prev: slot.container });
    this.slots.clear();
    this.tombstones.clear();
  }

  private pruneTombstones(): void {
    if (this.tombstones.size < 1024) return;
    const cutoff = Date.now() - TOMBSTONE_MS;
    for (const [id, t] of this.tombstones) if (t.at < cutoff) this.tombstones.delete(id);
  }
}
