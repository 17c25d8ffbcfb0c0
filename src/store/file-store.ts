// The embedded store: every record in one JSON file, replaced atomically (temp file, fsync, rename, fsync of
// the directory) one write at a time. A file that cannot be trusted is reported and never overwritten.
import type { Stats } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { log } from '../log.js';
import { StoreCorruptError, StoreReadOnlyError, StoreUnavailableError } from './errors.js';
import { decode, encode, type FileBody } from './file-format.js';
import { checkKey, jsonCopy, type Store, type StoreEntry } from './store.js';

/** A temp file older than this is a crashed writer's leftover. */
const LEFTOVER_AGE_MS = 60_000;

/** What tells a file replaced by another writer from the one last read or written. */
function identity(s: Stats): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** The file's body and identity; undefined when it does not exist. */
async function load(path: string): Promise<{ body: FileBody; seen: string } | undefined> {
  let text: string;
  let seen: string;
  try {
    const fh = await open(path, 'r');
    try {
      seen = identity(await fh.stat());
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw new StoreUnavailableError(`file ${path}`, (err as Error).message);
  }
  const decoded = decode(text);
  if ('problem' in decoded) throw new StoreCorruptError(path, decoded.problem);
  return { body: decoded.body, seen };
}

async function removeLeftovers(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.startsWith(prefix)) continue;
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (!s || Date.now() - s.mtimeMs < LEFTOVER_AGE_MS) continue;
    await rm(join(dir, name), { force: true }).catch(() => undefined);
    log.info(`Removed ${join(dir, name)}, left by an interrupted write of the cluster state`);
  }
}

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
    const s = await stat(this.path).catch(() => undefined);
    if (!s || identity(s) === this.seen) return;
    const loaded = await load(this.path);
    if (!loaded) return;
    this.body = loaded.body;
    this.seen = loaded.seen;
  }

  // Order matters: the new content is durable in the temp file before the rename makes it the file, and
  // the rename is durable once the directory is synced. A crash at any point leaves the old or the new file.
  private async persist(next: FileBody): Promise<void> {
    const tmp = `${this.path}.tmp-${process.pid}-${++this.tmpSeq}`;
    let seen: string;
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        await fh.writeFile(encode(next));
        await fh.sync();
        seen = identity(await fh.stat());
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new StoreUnavailableError(`file ${this.path}`, (err as Error).message);
    }
    this.body = next;
    this.seen = seen;
    await syncDir(dirname(this.path));
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    log.warn(`Could not sync directory ${dir} after writing the cluster state: ${(err as Error).message}`);
  }
}
