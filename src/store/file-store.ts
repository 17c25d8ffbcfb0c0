// The embedded store: every record in one JSON file, replaced atomically (temp file, fsync, rename, fsync of
// the directory) one write at a time. A file that cannot be trusted is reported and never overwritten.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StoreReadOnlyError, StoreUnavailableError } from './errors.js';
import type { FileBody } from './file-format.js';
import { currentIdentity, load, removeLeftovers, replace } from './file-io.js';
import { checkKey, jsonCopy, type Store, type StoreEntry } from './store.js';

export class FileStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  private writable: () => boolean = () => true;
  private tmpSeq = 0;

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
    return this.run(() => {
      const r = this.body.records[key];
      return r ? { key, value: jsonCopy(r.value), version: r.version } : undefined;
    });
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    return this.run(() =>
      Object.entries(this.body.records)
        .filter(([k]) => k.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, r]) => ({ key, value: jsonCopy(r.value), version: r.version })),
    );
  }

  async write(key: string, value: unknown, expectedVersion?: number): Promise<boolean> {
    checkKey(key);
    const copy = jsonCopy(value);
    return this.run(async () => {
      if (!this.writable()) throw new StoreReadOnlyError(key);
      const cur = this.body.records[key];
      if (expectedVersion !== undefined && (cur?.version ?? 0) !== expectedVersion) return false;
      const index = this.body.index + 1;
      await this.persist({
        index,
        records: { ...this.body.records, [key]: { version: index, value: copy } },
      });
      return true;
    });
  }

  async delete(key: string, expectedVersion?: number): Promise<boolean> {
    checkKey(key);
    return this.run(async () => {
      if (!this.writable()) throw new StoreReadOnlyError(key);
      const cur = this.body.records[key];
      if (expectedVersion !== undefined && cur?.version !== expectedVersion) return false;
      if (!cur) return true;
      const records = { ...this.body.records };
      delete records[key];
      await this.persist({ index: this.body.index + 1, records });
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

  /** One operation at a time, each on the file's latest content. */
  private run<T>(op: () => T | Promise<T>): Promise<T> {
    const p = this.queue.then(async () => {
      await this.reloadIfReplaced();
      return op();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Another process (a second manager on the same file, a restore) replaced the file: read it again. */
  private async reloadIfReplaced(): Promise<void> {
    const now = await currentIdentity(this.path);
    if (now === undefined || now === this.seen) return;
    const loaded = await load(this.path);
    if (!loaded) return;
    this.body = loaded.body;
    this.seen = loaded.seen;
  }

  /** The one place the file is written. */
  private async persist(next: FileBody): Promise<void> {
    this.seen = await replace(this.path, `${this.path}.tmp-${process.pid}-${++this.tmpSeq}`, next);
    this.body = next;
  }
}
