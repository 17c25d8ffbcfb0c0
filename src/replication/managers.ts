// The managers of a replicated cluster, each announced by itself: a key <prefix>/docker/swarm/managers/<addr>
// held by a session of its own with behaviour delete, so a manager that stops (its session destroyed) or
// dies (its session expires, within the replication TTL) leaves the list by itself. The value says what
// containers need from it: its resolver addresses and its host's address toward the engines.
// Every manager follows the list with blocking reads, so a join or a leave is seen within a moment.
import { jitter } from '../backoff.js';
import type { ConsulConnection } from '../consul/connection.js';
import { log } from '../log.js';
import { sleep } from '../sleep.js';

export interface ManagerRecord {
  /** The manager's advertised API address (its key). */
  advertise: string;
  /** The addresses its DNS answers on (--dns-listen), empty without. */
  resolvers: string[];
  /** Its host's address as the engines reach it, once known (the paths route its resolvers there). */
  host?: string;
}

export class ManagerDirectory {
  private records: ManagerRecord[] = [];
  private session: string | undefined;
  private mine: ManagerRecord;
  private written = '';
  private readonly controller = new AbortController();
  private readonly listeners: ((all: readonly ManagerRecord[]) => void)[] = [];
  private renewTimer: NodeJS.Timeout | undefined;
  private readonly sessionTtlMs: number;
  /** Wakes the writing loop early (this manager's record changed). */
  private wake: () => void = () => undefined;

  constructor(
    private readonly consul: ConsulConnection,
    /** `<prefix>/docker/swarm/managers` */
    private readonly dir: string,
    advertise: string,
    ttlMs: number,
  ) {
    this.mine = { advertise, resolvers: [] };
    this.sessionTtlMs = Math.max(1000, ttlMs / 2);
  }

  /** Every manager listed now, this one included once it is written, by advertised address. */
  all(): readonly ManagerRecord[] {
    return this.records;
  }

  /** The managers other than this one. */
  others(): ManagerRecord[] {
    return this.records.filter((r) => r.advertise !== this.mine.advertise);
  }

  onChange(fn: (all: readonly ManagerRecord[]) => void): void {
    this.listeners.push(fn);
  }

  /** Changes what this manager announces (written at once, and again whenever its session is made anew). */
  announce(part: Partial<Omit<ManagerRecord, 'advertise'>>): void {
    this.mine = { ...this.mine, ...part, advertise: this.mine.advertise };
    this.wake();
  }

  start(): void {
    void this.keepWritten();
    void this.follow();
    this.renewTimer = setInterval(() => void this.renew(), this.sessionTtlMs / 3);
    this.renewTimer.unref();
  }

  /** Leaves the list at once: destroying the session deletes the key. */
  async stop(): Promise<void> {
    this.controller.abort();
    if (this.renewTimer) clearInterval(this.renewTimer);
    const id = this.session;
    this.session = undefined;
    if (id) await this.consul.destroySession(id).catch(() => undefined);
  }

  private get key(): string {
    return `${this.dir}/${this.mine.advertise}`;
  }

  private async write(): Promise<void> {
    const signal = this.controller.signal;
    if (signal.aborted) return;
    if (!this.session) {
      this.session = await this.consul.createSession({
        name: `shoal-manager-record ${this.mine.advertise}`,
        ttlMs: this.sessionTtlMs,
        behavior: 'delete',
        lockDelayMs: 1,
      });
      this.written = '';
    }
    const value = JSON.stringify(this.mine);
    if (value === this.written) return;
    // Another live session may still hold our key (a previous run of this manager): wait for it to expire.
    if (await this.consul.put(this.key, value, { acquire: this.session })) this.written = value;
  }

  /** The one writer: writes until it is written; again on a change, and after a session lost (the key went with it). */
  private async keepWritten(): Promise<void> {
    let delay = 250;
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        await this.write();
        if (this.written !== '') delay = 250;
      } catch (err) {
        log.warn(`Managers: announcing ${this.mine.advertise} failed: ${(err as Error).message}`);
        delay = Math.min(delay * 2, 10_000);
      }
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      await Promise.race([sleep(this.written === '' ? jitter(delay) : this.sessionTtlMs / 3, signal), woken]);
    }
  }

  private async renew(): Promise<void> {
    const id = this.session;
    if (!id || this.controller.signal.aborted) return;
    const alive = await this.consul.renewSession(id).catch(() => true);
    if (!alive && this.session === id) {
      this.session = undefined;
      this.written = '';
    }
  }

  private async follow(): Promise<void> {
    let index = 0;
    let delay = 250;
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        const { pairs, index: next } = await this.consul.list(`${this.dir}/`, {
          index: index || undefined,
          waitMs: 30_000,
          signal,
        });
        index = next < index ? 0 : next;
        this.set(pairs.filter((p) => p.session).map((p) => parseRecord(p.value)));
        delay = 250;
      } catch (err) {
        if (signal.aborted) return;
        log.warn(`Managers: reading the list failed: ${(err as Error).message}`);
        index = 0;
        await sleep(jitter(delay), signal);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  private set(list: (ManagerRecord | undefined)[]): void {
    const next = list
      .filter((r): r is ManagerRecord => r !== undefined)
      .sort((a, b) => (a.advertise < b.advertise ? -1 : a.advertise > b.advertise ? 1 : 0));
    if (JSON.stringify(next) === JSON.stringify(this.records)) return;
    this.records = next;
    for (const fn of this.listeners) fn(next);
  }
}

/** A record as stored; undefined for anything else under the directory. */
export function parseRecord(text: string): ManagerRecord | undefined {
  try {
    const v = JSON.parse(text) as Partial<ManagerRecord>;
    if (typeof v.advertise !== 'string' || !Array.isArray(v.resolvers)) return undefined;
    return {
      advertise: v.advertise,
      resolvers: v.resolvers.filter((r): r is string => typeof r === 'string'),
      ...(typeof v.host === 'string' ? { host: v.host } : {}),
    };
  } catch {
    return undefined;
  }
}
