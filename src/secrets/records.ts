// Secrets and configs, held in memory and kept in the cluster state store (`secrets/<id>`, `configs/<id>`).
// Every write takes the cluster's change counter in the same batch (its Version.Index), as services do: two
// writers never both succeed on one counter value, so a removal and a service that starts using the same
// secret cannot pass each other's checks (the loser reads the new state and checks again).
import { log } from '../log.js';
import { INDEX_KEY } from '../store/counter.js';
import { StoreConflictError } from '../store/errors.js';
import type { Store, StoreOp } from '../store/store.js';
import { KINDS, type DataKind, type DataRecord } from './types.js';

const ATTEMPTS = 8;

/** A change: given the current record (undefined: none) and the next index, the record to write (null: delete). */
export type RecordChange = (
  current: DataRecord | undefined,
  index: number,
  now: number,
) => DataRecord | null | Promise<DataRecord | null>;

export class SecretRecords {
  private readonly byKind: Record<DataKind, Map<string, DataRecord>> = {
    secret: new Map(),
    config: new Map(),
  };
  private loaded = false;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  get ready(): boolean {
    return this.loaded;
  }

  /** Reads every record (again after an election: what the previous leader wrote). */
  async load(): Promise<void> {
    const [secrets, configs] = await Promise.all([
      this.store.list(`${KINDS.secret.plural}/`),
      this.store.list(`${KINDS.config.plural}/`),
    ]);
    for (const [kind, entries] of [
      ['secret', secrets],
      ['config', configs],
    ] as const) {
      const map = this.byKind[kind];
      map.clear();
      for (const e of entries) {
        const r = asRecord(e.value);
        if (r) map.set(r.ID, r);
        else log.warn(`Ignoring ${e.key} in the cluster state store: not a ${kind} record`);
      }
    }
    this.loaded = true;
  }

  get(kind: DataKind, id: string): DataRecord | undefined {
    return this.byKind[kind].get(id);
  }

  all(kind: DataKind): DataRecord[] {
    return [...this.byKind[kind].values()];
  }

  /**
   * Writes one record's change with the next counter value, tried again (the change run again on what is
   * then current) when another writer took the value first. `change` may throw to refuse.
   */
  async write(kind: DataKind, id: string, change: RecordChange): Promise<DataRecord | null> {
    const key = `${KINDS[kind].plural}/${id}`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const [counter, stored] = await Promise.all([this.store.read(INDEX_KEY), this.store.read(key)]);
      const before = (counter?.value as { index?: unknown } | undefined)?.index;
      const index = (typeof before === 'number' ? before : 0) + 1;
      const next = await change(this.get(kind, id), index, this.clock());
      const ops: StoreOp[] = [
        { key: INDEX_KEY, value: { index }, expectedVersion: counter?.version ?? 0 },
        next
          ? { key, value: next, expectedVersion: stored?.version ?? 0 }
          : { key, delete: true, expectedVersion: stored?.version },
      ];
      if (!(await this.store.writeMany(ops))) continue;
      // In memory in the same turn as the write's answer: the next writer's check sees it.
      if (next) this.byKind[kind].set(id, next);
      else this.byKind[kind].delete(id);
      return next;
    }
    throw new StoreConflictError(key, ATTEMPTS);
  }
}

function asRecord(v: unknown): DataRecord | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Partial<DataRecord>;
  const ok =
    typeof r.ID === 'string' &&
    typeof r.Version?.Index === 'number' &&
    typeof r.CreatedAt === 'string' &&
    typeof r.Spec?.Name === 'string';
  return ok ? (v as DataRecord) : undefined;
}
