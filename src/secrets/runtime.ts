// Swarm mode's secrets and configs on Shoal: their records, the API's two kinds, the check a service spec
// gets (inside the service's write), and the files a task's container gets before it starts.
import { ApiError } from '../errors.js';
import { log } from '../log.js';
import type { Store } from '../store/store.js';
import { open } from './crypto.js';
import { SecretsKey, type KeySource } from './key.js';
import { DataObjects } from './objects.js';
import { SecretRecords } from './records.js';
import {
  checkExistence,
  checkShapes,
  referencesOf,
  targetPath,
  type FileTarget,
  type Reference,
} from './references.js';
import { writeTaskFiles, type ArchiveTarget, type TaskFile } from './task-files.js';
import type { DataKind } from './types.js';

type Spec = Readonly<Record<string, unknown>>;

export interface SecretsDeps {
  store: Store;
  key: KeySource;
  /** The swarm's service specs, to tell which services use a secret or config. */
  serviceSpecs(): Iterable<Spec>;
}

export class SecretsRuntime {
  readonly records: SecretRecords;
  readonly secrets: DataObjects;
  readonly configs: DataObjects;
  private readonly key: SecretsKey;
  private stopped = false;
  /** The read under way (at start, after an election): a task's files wait for it. */
  private loading: Promise<void> | undefined;

  constructor(private readonly deps: SecretsDeps) {
    this.records = new SecretRecords(deps.store);
    this.key = new SecretsKey(deps.key);
    const objects = {
      records: this.records,
      key: () => this.key.get(),
      usedBy: (kind: DataKind, id: string) => this.usedBy(kind, id),
    };
    this.secrets = new DataObjects('secret', objects);
    this.configs = new DataObjects('config', objects);
  }

  /** Reads the records, tried again until the store answers. */
  start(): Promise<void> {
    const loading = this.load();
    this.loading = loading;
    return loading;
  }

  private async load(): Promise<void> {
    for (let delay = 500; !this.stopped; delay = Math.min(delay * 2, 10_000)) {
      try {
        await this.records.load();
        return;
      } catch (err) {
        log.warn(`Secrets: cannot read the cluster state store (${(err as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** A new leader reads what the previous one wrote. */
  elected(): Promise<void> {
    return this.start();
  }

  stop(): void {
    this.stopped = true;
  }

  /** The key the operator gave (--secrets-key-file) is read at start, so a bad one stops it there. */
  checkKey(): Promise<Buffer> {
    return this.key.get();
  }

  /** A service spec's references: well formed, and to records that exist (run inside the service's write). */
  checkSpec(spec: Spec): void {
    const refs = referencesOf(spec['TaskTemplate']);
    if (refs.length === 0) return;
    checkShapes(refs);
    if (!this.records.ready) {
      throw ApiError.unavailable('secrets and configs are not read from the cluster state store yet');
    }
    checkExistence(refs, (kind, id) => this.records.get(kind, id));
  }

  /** Before a task's container starts: its secrets' and configs' files, written into it. */
  async beforeStart(
    engine: { ops: ArchiveTarget },
    containerId: string,
    task: { Spec: unknown },
  ): Promise<void> {
    const refs = referencesOf(task.Spec).filter((r): r is Reference & { file: FileTarget } => !!r.file);
    if (refs.length === 0) return;
    await this.loading;
    const files = await Promise.all(refs.map((r) => this.fileOf(r)));
    await writeTaskFiles(engine.ops, containerId, files, Date.now());
    log.debug(`Secrets: ${files.length} file(s) written into ${containerId}`, {
      files: files.map((f) => f.path).join(','),
    });
  }

  private async fileOf(r: Reference & { file: FileTarget }): Promise<TaskFile> {
    const rec = this.records.get(r.kind, r.id);
    if (!rec) throw new Error(`${r.kind} ${r.name} (${r.id}) not found`);
    let data: Buffer;
    if (r.kind === 'secret') {
      if (!rec.Sealed) throw new Error(`secret ${r.name} has no data in the cluster state store`);
      try {
        data = open(await this.key.get(), rec.Sealed, rec.ID);
      } catch (err) {
        throw new Error(`secret ${r.name} cannot be opened: ${(err as Error).message}`);
      }
    } else {
      data = Buffer.from(rec.Data ?? '', 'base64');
    }
    return {
      path: targetPath(r),
      uid: idOf(r, 'UID', r.file.UID),
      gid: idOf(r, 'GID', r.file.GID),
      mode: r.file.Mode & 0o7777,
      data,
    };
  }

  private usedBy(kind: DataKind, id: string): string[] {
    const names: string[] = [];
    for (const spec of this.deps.serviceSpecs()) {
      if (referencesOf(spec['TaskTemplate']).some((r) => r.kind === kind && r.id === id)) {
        names.push(typeof spec['Name'] === 'string' ? spec['Name'] : '');
      }
    }
    return names;
  }
}

/** A target's UID or GID: a decimal number, as the engine's strconv.Atoi reads it. */
function idOf(r: Reference, what: string, text: string): number {
  if (!/^[+]?\d+$/.test(text) || Number(text) > 0xffffffff) {
    throw new Error(`${r.kind} ${r.name}: invalid ${what} ${JSON.stringify(text)}`);
  }
  return Number(text);
}
