// One engine's containers, kept current by events and refreshes; late answers never overwrite newer ones.
// Counts by state are kept as containers change, so `docker info` never walks every container.
import type { CachedContainer } from './types.js';

export type CacheChange =
  | { kind: 'upsert'; prev: CachedContainer | undefined; next: CachedContainer }
  | { kind: 'remove'; prev: CachedContainer };

export interface StateCounts {
  running: number;
  paused: number;
  stopped: number;
}

const TOMBSTONE_MS = 60_000;

function bucket(c: CachedContainer): keyof StateCounts {
  if (c.state === 'paused') return 'paused';
  if (c.state === 'running' || c.state === 'restarting') return 'running';
  return 'stopped';
}

export class ContainerCache {
  private readonly containers = new Map<string, CachedContainer>();
  /** Sequence number of the fetch whose answer each container is. */
  private readonly seqs = new Map<string, number>();
  private readonly tombstones = new Map<string, { seq: number; at: number }>();
  private readonly tally: StateCounts = { running: 0, paused: 0, stopped: 0 };
  private counter = 0;

  constructor(private readonly onChange: (change: CacheChange) => void = () => undefined) {}

  /** Call before asking the engine; pass the number to apply()/remove() with the answer. */
  nextSeq(): number {
    return ++this.counter;
  }

  get size(): number {
    return this.containers.size;
  }

  get counts(): Readonly<StateCounts> {
    return this.tally;
  }

  get(id: string): CachedContainer | undefined {
    return this.containers.get(id);
  }

  values(): IterableIterator<CachedContainer> {
    return this.containers.values();
  }

  ids(): IterableIterator<string> {
    return this.containers.keys();
  }

  /** Records a fetched container unless something newer (an update or a removal) is already known. */
  apply(container: CachedContainer, seq: number): boolean {
    if ((this.seqs.get(container.id) ?? -1) > seq) return false;
    const tomb = this.tombstones.get(container.id);
    if (tomb && tomb.seq > seq) return false;
    const prev = this.containers.get(container.id);
    if (prev) this.tally[bucket(prev)]--;
    this.tally[bucket(container)]++;
    this.containers.set(container.id, container);
    this.seqs.set(container.id, seq);
    this.onChange({ kind: 'upsert', prev, next: container });
    return true;
  }

  /** Forgets a container (destroyed, or absent from a listing taken at `seq`). */
  remove(id: string, seq: number): boolean {
    if ((this.seqs.get(id) ?? -1) > seq) return false;
    this.tombstones.set(id, { seq, at: Date.now() });
    this.pruneTombstones();
    const prev = this.containers.get(id);
    if (!prev) return false;
    this.tally[bucket(prev)]--;
    this.containers.delete(id);
    this.seqs.delete(id);
    this.onChange({ kind: 'remove', prev });
    return true;
  }

  /** Everything goes (engine removed from the pool). */
  clear(): void {
    for (const c of this.containers.values()) this.onChange({ kind: 'remove', prev: c });
    this.containers.clear();
    this.seqs.clear();
    this.tombstones.clear();
    this.tally.running = this.tally.paused = this.tally.stopped = 0;
  }

  private pruneTombstones(): void {
    if (this.tombstones.size < 1024) return;
    const cutoff = Date.now() - TOMBSTONE_MS;
    for (const [id, t] of this.tombstones) if (t.at < cutoff) this.tombstones.delete(id);
  }
}
