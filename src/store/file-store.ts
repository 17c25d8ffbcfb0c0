// The embedded store: every record in one JSON file, replaced atomically (temp file, fsync, rename, fsync of
// the directory) once per write or batch, one at a time. A file that cannot be trusted is reported and never
// overwritten.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StoreReadOnlyError, StoreUnavailableError } from './errors.js';
import type { FileBody } from './file-format.js';
import { currentIdentity, load, removeLeftovers, replace } from './file-io.js';
import {
  checkBatch,
  checkKey,
  jsonCopy,
  type CheckedOp,
  type Store,
  type StoreEntry,
  type StoreOp,
} from './store.js';

/** How stale a read may be about another process replacing the file. */
const READ_RECHECK_MS = 20;

export class FileStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  private writable: () => boolean = () => true;
  private tmpSeq = 0;
  /** When the file was last looked at for a replacement by another process. */
  private checkedAt = 0;
  private keys: readonly string[] = [];
  private keysOf: FileBody | undefined;

  private constructor(
    readonly path: string,
    private body: FileBody,
    private seen: string | undefined,
  ) {}

  /** Opens (a missing file is an empty store: the first run); throws StoreCorruptError on a bad file. */
  static async open(path: string): Promise<FileStore> {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new StoreUnavailableError(`file ${path}`, (err as Error).message);
    }
    const loaded = await load(path);
    await removeLeftovers(path);
    return new FileStore(path, loaded?.body ?? { index: 0, records: {} }, loaded?.seen);
  }

  async read(key: string): Promise<StoreEntry | undefined> {
    checkKey(key);
    return this.run('read', () => {
      const r = this.body.records[key];
      return r ? { key, value: jsonCopy(r.value), version: r.version } : undefined;
    });
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    return this.run('read', () => {
      const keys = this.sortedKeys();
      const out: StoreEntry[] = [];
      for (let i = firstAtLeast(keys, prefix); i < keys.length; i++) {
        const key = keys[i] as string;
        if (!key.startsWith(prefix)) break;
        const r = this.body.records[key];
        if (r) out.push({ key, value: jsonCopy(r.value), version: r.version });
      }
      return out;
    });
  }

  /** Every key in order, made once per content (a start-up lists one prefix per engine among thousands). */
  private sortedKeys(): readonly string[] {
    if (this.keysOf !== this.body) {
      this.keys = Object.keys(this.body.records).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.keysOf = this.body;
    }
    return this.keys;
  }

  write(key: string, value: unknown, expectedVersion?: number): Promise<boolean> {
    return this.writeMany([{ key, value, expectedVersion }]);
  }

  delete(key: string, expectedVersion?: number): Promise<boolean> {
    return this.writeMany([{ key, delete: true, expectedVersion }]);
  }

  /** One rewrite of the file for the whole batch, and none when the batch changes nothing. */
  async writeMany(ops: readonly StoreOp[]): Promise<boolean> {
    const batch = checkBatch(ops);
    const first = batch[0];
    if (!first) return true;
    return this.run('write', async () => {
      if (!this.writable()) throw new StoreReadOnlyError(first.key);
      const next = applyBatch(this.body, batch);
      if (!next) return false;
      if (next !== this.body) await this.persist(next);
      return true;
    });
  }

  setWritable(fn: () => boolean): void {
    this.writable = fn;
  }

  describe(): string {
    return `file ${this.path} (${Object.keys(this.body.records).length} records)`;
  }

  async close(): Promise<void> {
    await this.queue;
  }

  /**
   * One operation at a time, each on the file's latest content: a write always looks at the file first; a
   * read shares the look of the operation before it when that was under READ_RECHECK_MS ago (a start-up reads
   * thousands of records, and a stat each cost more than the reads).
   */
  private run<T>(kind: 'read' | 'write', op: () => T | Promise<T>): Promise<T> {
    const p = this.queue.then(async () => {
      if (kind === 'write' || Date.now() - this.checkedAt >= READ_RECHECK_MS) await this.reloadIfReplaced();
      return op();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Another process (a second manager on the same file, a restore) replaced the file: read it again. */
  private async reloadIfReplaced(): Promise<void> {
    const now = await currentIdentity(this.path);
    this.checkedAt = Date.now();
    if (now === undefined || now === this.seen) return;
    const loaded = await load(this.path);
    if (!loaded) return;
    this.body = loaded.body;
    this.seen = loaded.seen;
  }

  /** The one place the file is written: one rewrite per write or batch. */
  private async persist(next: FileBody): Promise<void> {
    this.seen = await replace(this.path, `${this.path}.tmp-${process.pid}-${++this.tmpSeq}`, next);
    this.body = next;
  }
}

/**
 * The body after the batch: every expectation is checked against the body before it (a batch names each key
 * once), and every record written takes the one next version. The same body when nothing changes (only
 * deletes of absent keys); undefined when an expectation fails.
 */
function applyBatch(body: FileBody, ops: readonly CheckedOp[]): FileBody | undefined {
  const index = body.index + 1;
  const records = { ...body.records };
  let changed = false;
  for (const op of ops) {
    const cur = body.records[op.key];
    if (op.kind === 'write') {
      if (op.expectedVersion !== undefined && (cur?.version ?? 0) !== op.expectedVersion) return undefined;
      records[op.key] = { version: index, value: op.value };
      changed = true;
    } else {
      // Nothing is at version 0, so a delete expecting 0 always fails; one expecting a version fails on an
      // absent key.
      if (op.expectedVersion !== undefined && cur?.version !== op.expectedVersion) return undefined;
      if (!cur) continue;
      delete records[op.key];
      changed = true;
    }
  }
  return changed ? { index, records } : body;
}

/** The index of the first key not below `prefix` in sorted `keys` (binary search). */
function firstAtLeast(keys: readonly string[], prefix: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
