// Services and tasks, held in memory and kept in the cluster state store (`services/<id>`, `tasks/<id>`).
// Changes are committed in groups: everything asked for while a write is under way goes out in the next
// write, one batch with the cluster's change counter, so a pass that touches a thousand tasks is one write.
import { log } from '../../log.js';
import { StoreConflictError } from '../../store/errors.js';
import { INDEX_KEY } from '../../store/counter.js';
import type { Store, StoreOp } from '../../store/store.js';
import type { Service, Task } from '../types.js';
import { asService, asTask } from './record-shapes.js';

const SERVICES = 'services/';
const TASKS = 'tasks/';
const ATTEMPTS = 5;

/** What a change sees and edits: the records as they will be once the changes before it are written. */
export interface Draft {
  /** The store index this write gives every record it changes (Version.Index). */
  readonly index: number;
  readonly now: number;
  service(id: string): Service | undefined;
  services(): Iterable<Service>;
  task(id: string): Task | undefined;
  putService(s: Service): void;
  deleteService(id: string): void;
  putTask(t: Task): void;
  deleteTask(id: string): void;
}

/** A change: reads and edits the draft; may throw to refuse itself (the others in its group still go). */
export type Change<T> = (d: Draft) => T;

interface Queued {
  change: Change<unknown>;
  resolve(v: unknown): void;
  reject(err: unknown): void;
}

export class ServiceRecords {
  private readonly services = new Map<string, Service>();
  private readonly tasks = new Map<string, Task>();
  private readonly byService = new Map<string, Map<string, Task>>();
  private queue: Queued[] = [];
  private writing: Promise<void> | undefined;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Reads every record (again after an election: what the previous leader wrote). */
  async load(): Promise<void> {
    const [services, tasks] = await Promise.all([this.store.list(SERVICES), this.store.list(TASKS)]);
    this.services.clear();
    this.tasks.clear();
    this.byService.clear();
    for (const e of services) {
      const s = asService(e.value);
      if (s) this.services.set(s.ID, s);
      else log.warn(`Ignoring ${e.key} in the cluster state store: not a service record`);
    }
    for (const e of tasks) {
      const t = asTask(e.value);
      if (t) this.setTask(t);
      else log.warn(`Ignoring ${e.key} in the cluster state store: not a task record`);
    }
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  service(id: string): Service | undefined {
    return this.services.get(id);
  }

  allServices(): Service[] {
    return [...this.services.values()];
  }

  task(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  allTasks(): Task[] {
    return [...this.tasks.values()];
  }

  tasksOf(serviceId: string): Task[] {
    return [...(this.byService.get(serviceId)?.values() ?? [])];
  }

  get taskCount(): number {
    return this.tasks.size;
  }

  /** Applies `change` in the next group write; resolves with its result once it is in the store. */
  commit<T>(change: Change<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ change, resolve: (v) => resolve(v as T), reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    // Let the changes asked for in this same turn of the event loop join the group.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      await this.writeGroup(group);
    }
    this.writing = undefined;
  }

  private async writeGroup(group: Queued[]): Promise<void> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        const counter = await this.store.read(INDEX_KEY);
        const before = (counter?.value as { index?: unknown } | undefined)?.index;
        const index = (typeof before === 'number' ? before : 0) + 1;
        const draft = new DraftImpl(this, index, this.clock());
        const outcomes = group.map((q) => {
          draft.begin();
          try {
            return { ok: true as const, value: q.change(draft) };
          } catch (err) {
            draft.rollback();
            return { ok: false as const, err };
          }
        });
        const ops = draft.ops();
        if (ops.length > 0) {
          ops.unshift({ key: INDEX_KEY, value: { index }, expectedVersion: counter?.version ?? 0 });
          // The counter moved under us (the node registry takes values too): take a new one and redo.
          if (!(await this.store.writeMany(ops))) continue;
          draft.applyTo(
            (s) => this.services.set(s.ID, s),
            (id) => this.dropService(id),
            (t) => this.setTask(t),
            (id) => this.dropTask(id),
          );
        }
        outcomes.forEach((o, i) => (o.ok ? group[i]?.resolve(o.value) : group[i]?.reject(o.err)));
        if (ops.length > 0) for (const fn of this.listeners) fn();
        return;
      } catch (err) {
        lastErr = err;
        break;
      }
    }
    const err = lastErr ?? new StoreConflictError(INDEX_KEY, ATTEMPTS);
    for (const q of group) q.reject(err);
  }

  private setTask(t: Task): void {
    const prev = this.tasks.get(t.ID);
    if (prev && prev.ServiceID !== t.ServiceID) this.byService.get(prev.ServiceID)?.delete(t.ID);
    this.tasks.set(t.ID, t);
    let m = this.byService.get(t.ServiceID);
    if (!m) this.byService.set(t.ServiceID, (m = new Map<string, Task>()));
    m.set(t.ID, t);
  }

  private dropTask(id: string): void {
    const t = this.tasks.get(id);
    if (!t) return;
    this.tasks.delete(id);
    const m = this.byService.get(t.ServiceID);
    m?.delete(id);
    if (m?.size === 0) this.byService.delete(t.ServiceID);
  }

  private dropService(id: string): void {
    this.services.delete(id);
  }
}

/** The records as a group of changes sees them: an overlay of edits on the committed records. */
class DraftImpl implements Draft {
  private readonly svc = new Map<string, Service | null>();
  private readonly tsk = new Map<string, Task | null>();
  /** Each change's edits, so a change that throws is taken back. */
  private journal: { kind: 's' | 't'; id: string; had: boolean; prev: Service | Task | null | undefined }[] =
    [];

  constructor(
    private readonly base: ServiceRecords,
    readonly index: number,
    readonly now: number,
  ) {}

  service(id: string): Service | undefined {
    const v = this.svc.get(id);
    return v === null ? undefined : (v ?? this.base.service(id));
  }

  *services(): Iterable<Service> {
    for (const s of this.base.allServices()) if (!this.svc.has(s.ID)) yield s;
    for (const s of this.svc.values()) if (s) yield s;
  }

  task(id: string): Task | undefined {
    const v = this.tsk.get(id);
    return v === null ? undefined : (v ?? this.base.task(id));
  }

  putService(s: Service): void {
    this.note('s', s.ID);
    this.svc.set(s.ID, s);
  }

  deleteService(id: string): void {
    this.note('s', id);
    this.svc.set(id, null);
  }

  putTask(t: Task): void {
    this.note('t', t.ID);
    this.tsk.set(t.ID, t);
  }

  deleteTask(id: string): void {
    this.note('t', id);
    this.tsk.set(id, null);
  }

  /** Marks where the next change starts. */
  begin(): void {
    this.journal = [];
  }

  /** Takes back the edits of the change under way (it threw). */
  rollback(): void {
    for (const j of this.journal.reverse()) {
      const map = (j.kind === 's' ? this.svc : this.tsk) as Map<string, unknown>;
      if (j.had) map.set(j.id, j.prev);
      else map.delete(j.id);
    }
    this.journal = [];
  }

  ops(): StoreOp[] {
    const out: StoreOp[] = [];
    for (const [id, s] of this.svc)
      out.push(s ? { key: SERVICES + id, value: s } : { key: SERVICES + id, delete: true });
    for (const [id, t] of this.tsk)
      out.push(t ? { key: TASKS + id, value: t } : { key: TASKS + id, delete: true });
    return out;
  }

  applyTo(
    putS: (s: Service) => void,
    delS: (id: string) => void,
    putT: (t: Task) => void,
    delT: (id: string) => void,
  ): void {
    for (const [id, s] of this.svc) {
      if (s) putS(s);
      else delS(id);
    }
    for (const [id, t] of this.tsk) {
      if (t) putT(t);
      else delT(id);
    }
  }

  private note(kind: 's' | 't', id: string): void {
    const map = (kind === 's' ? this.svc : this.tsk) as Map<string, Service | Task | null>;
    this.journal.push({ kind, id, had: map.has(id), prev: map.get(id) });
  }
}
