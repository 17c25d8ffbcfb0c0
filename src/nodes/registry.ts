// The node records of the pool's engines and the swarm's own record, cached from the state store. Only the
// leader writes, each write conditional on the version it read; the pool's NodeSpecs (what the scheduler
// sees) follow every record this manager reads or writes.
import type { Engine } from '../engine/engine.js';
import { log } from '../log.js';
import type { Pool } from '../pool/pool.js';
import { nextIndex } from '../store/counter.js';
import { OutOfSequenceError, StoreConflictError, StoreReadOnlyError } from '../store/errors.js';

import type { Store, StoreEntry } from '../store/store.js';
import { describeEngine, freshRecord } from './node-object.js';
import { asNodeRecord, nodeKey, NODES_PREFIX, type NodeRecord, type NodeSpecDoc } from './records.js';

const ATTEMPTS = 8;
const SWARM_KEY = 'meta/swarm';

/** When the swarm was made (the first time a manager of this cluster ran) and its Version.Index. */
export interface SwarmRecord {
  createdAt: string;
  index: number;
}

export class NodeRegistry {
  private readonly records = new Map<string, NodeRecord>();
  private readonly pending = new Map<string, Engine>();
  private batch: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private loaded = false;
  private swarmRec: SwarmRecord | undefined;
  /** Until the swarm record can be read or written: this manager's start. */
  private readonly provisional: SwarmRecord = { createdAt: new Date().toISOString(), index: 1 };

  constructor(
    private readonly pool: Pool,
    private readonly store: Store,
  ) {}

  /** Reads every record (again after an election: what the previous leader wrote). */
  async load(): Promise<void> {
    const entries = await this.store.list(NODES_PREFIX);
    const seen = new Set<string>();
    for (const e of entries) {
      const rec = asNodeRecord(e.value);
      if (!rec) {
        log.warn(`Ignoring ${e.key} in the cluster state store: not a node record`);
        continue;
      }
      seen.add(rec.engineId);
      this.remember(rec);
    }
    for (const id of [...this.records.keys()]) if (!seen.has(id)) this.forget(id);
    const swarm = (await this.store.read(SWARM_KEY))?.value as SwarmRecord | undefined;
    if (swarm && typeof swarm.createdAt === 'string') this.swarmRec = swarm;
    this.loaded = true;
  }

  /** Loads once; a store that could not be read is tried again on the next call. */
  async ready(): Promise<void> {
    if (!this.loaded) await this.load();
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Every node record, by engine ID. */
  all(): ReadonlyMap<string, NodeRecord> {
    return this.records;
  }

  swarm(): SwarmRecord {
    return this.swarmRec ?? this.provisional;
  }

  /** The leader records the swarm the first time a manager of this cluster runs. */
  recordSwarm(): Promise<void> {
    return this.exclusive(async () => {
      for (let i = 0; i < ATTEMPTS && !this.swarmRec; i++) {
        const cur = await this.store.read(SWARM_KEY);
        if (cur) {
          this.swarmRec = cur.value as SwarmRecord;
          return;
        }
        const rec: SwarmRecord = { createdAt: new Date().toISOString(), index: await nextIndex(this.store) };
        if (await this.store.write(SWARM_KEY, rec, 0)) this.swarmRec = rec;
      }
    });
  }

  /**
   * Records an engine the first time it is seen, and what it says about itself when that changed. Only the
   * leader writes: elsewhere this does nothing. Engines that connect while a batch is being written (a
   * manager starting in front of a thousand) join the next one: one counter write and one write for all
   * of them.
   */
  record(engine: Engine): Promise<void> {
    this.pending.set(engine.id, engine);
    this.batch ??= this.exclusive(() => {
      const engines = [...this.pending.values()];
      this.pending.clear();
      this.batch = undefined;
      return this.recordAll(engines);
    });
    return this.batch.catch((err: unknown) => {
      if (!(err instanceof StoreReadOnlyError)) throw err;
    });
  }

  private async recordAll(engines: Engine[]): Promise<void> {
    // What this manager read or wrote last is current (it alone writes): most engines need no store call.
    const stale = engines.filter((e) => !upToDate(this.records.get(e.id), e));
    if (stale.length === 0) return;
    const stored = await this.stored(stale);
    const changes: { key: string; version: number; next: NodeRecord }[] = [];
    const now = new Date().toISOString();
    for (const engine of stale) {
      const key = nodeKey(engine.id);
      const cur = stored.get(key);
      const rec = asNodeRecord(cur?.value);
      if (rec !== undefined && upToDate(rec, engine)) {
        this.remember(rec);
        continue;
      }
      const described = describeEngine(engine);
      const next = rec
        ? { ...rec, description: described, addr: engine.addr, ip: engine.ip, updatedAt: now }
        : freshRecord(engine, now);
      changes.push({ key, version: cur?.version ?? 0, next: { ...next, index: 0 } });
    }
    if (changes.length === 0) return;
    const first = await nextIndex(this.store, changes.length);
    changes.forEach((c, i) => (c.next.index = first + i));
    // Only this manager writes (it leads) and only here: a refusal means another wrote it just now.
    const ops = changes.map((c) => ({ key: c.key, value: c.next, expectedVersion: c.version }));
    if (await this.store.writeMany(ops)) {
      for (const c of changes) this.remember(c.next);
      return;
    }
    for (const c of changes) {
      if (await this.store.write(c.key, c.next, c.version)) this.remember(c.next);
      else log.debug(`${c.key} changed meanwhile; recorded on the next connection`);
    }
  }

  /** The stored records of these engines (read one by one: a listing would copy every node's record). */
  private async stored(engines: Engine[]): Promise<Map<string, StoreEntry>> {
    const entries = await Promise.all(engines.map((e) => this.store.read(nodeKey(e.id))));
    return new Map(entries.filter((e) => e !== undefined).map((e) => [e.key, e]));
  }

  /**
   * Sets a node's spec if its index is still `version` (else OutOfSequenceError); `base` is the record to
   * start from when none is stored yet (an engine seen, not recorded). Returns the record written.
   */
  async updateSpec(
    engineId: string,
    version: number,
    spec: NodeSpecDoc,
    base?: NodeRecord,
  ): Promise<NodeRecord> {
    const key = nodeKey(engineId);
    for (let i = 0; i < ATTEMPTS; i++) {
      const cur = await this.store.read(key);
      const rec = asNodeRecord(cur?.value) ?? (cur ? undefined : base);
      if (!rec || rec.index !== version) throw new OutOfSequenceError();
      const index = await nextIndex(this.store);
      const next: NodeRecord = { ...rec, spec, index, updatedAt: new Date().toISOString() };
      if (await this.store.write(key, next, cur?.version ?? 0)) {
        this.remember(next);
        return next;
      }
    }
    throw new StoreConflictError(key, ATTEMPTS);
  }

  /** Forgets a node: its record goes from the store (conditionally: not if it changed meanwhile). */
  remove(engineId: string): Promise<void> {
    return this.exclusive(async () => {
      const key = nodeKey(engineId);
      const cur = await this.store.read(key);
      if (cur && !(await this.store.delete(key, cur.version))) throw new StoreConflictError(key, 1);
      this.forget(engineId);
    });
  }

  /**
   * One change at a time: the leader is the only writer, so changes made in turn never race each other on
   * the counter or a record (the conditional writes still guard against a manager that led before).
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private remember(rec: NodeRecord): void {
    this.records.set(rec.engineId, rec);
    this.pool.nodeSpecs.set(rec.engineId, { labels: rec.spec.Labels, availability: rec.spec.Availability });
  }

  private forget(engineId: string): void {
    this.records.delete(engineId);
    this.pool.nodeSpecs.delete(engineId);
  }
}

/** Whether a record already says what the engine now says about itself. */
function upToDate(rec: NodeRecord | undefined, engine: Engine): boolean {
  return (
    rec !== undefined &&
    rec.addr === engine.addr &&
    rec.ip === engine.ip &&
    JSON.stringify(rec.description) === JSON.stringify(describeEngine(engine))
  );
}
