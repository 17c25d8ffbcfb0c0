// Leader election among managers: a Consul session lock on <prefix>/docker/swarm/leader whose value is the
// leader's advertised address (classic's layout). The session has TTL = ttl/2 (Consul may wait twice the
// TTL before invalidating it), behaviour release and a 1 ms lock-delay, so a dead leader's lock is free
// within the TTL and the followers, blocked on the key, take it at once.
// A leader steps down as soon as it cannot prove it still holds the lock: its session is gone, the key
// names another session, or it has not renewed for a whole session TTL (after which Consul may already
// have handed the lock over). So two managers never both believe they lead.
import { sleep } from '../sleep.js';
import { jitter } from '../backoff.js';
import { ConsulError, type ConsulConnection } from '../consul/connection.js';
import { log } from '../log.js';

export interface ElectionHooks {
  elected(): void;
  lost(): void;
  /** The leader changed (its address), or there is none (undefined). */
  leader(addr: string | undefined): void;
}

export class Election {
  private session: string | undefined;
  /** A session given up while Consul was unreachable: destroyed once it answers, freeing the lock. */
  private abandoned: string | undefined;
  private leading = false;
  private primary: string | undefined;
  private lastRenew = 0;
  private readonly controller = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;
  private readonly sessionTtlMs: number;

  constructor(
    private readonly consul: ConsulConnection,
    readonly key: string,
    readonly advertise: string,
    ttlMs: number,
    private readonly hooks: ElectionHooks,
  ) {
    this.sessionTtlMs = Math.max(1000, ttlMs / 2);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The leader's advertised address, when one is known. */
  leaderAddr(): string | undefined {
    return this.leading ? this.advertise : this.primary;
  }

  start(): void {
    void this.run();
    this.renewTimer = setInterval(() => void this.renew(), this.sessionTtlMs / 3);
    this.renewTimer.unref();
  }

  /** Resigns: the session is destroyed, which frees the lock for the others at once. */
  async stop(): Promise<void> {
    this.controller.abort();
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.stepDown('resigned');
    const id = this.session;
    this.session = undefined;
    if (id) await this.consul.destroySession(id).catch(() => undefined);
  }

  private async ensureSession(): Promise<string> {
    if (this.session) return this.session;
    this.session = await this.consul.createSession({
      name: `shoal-manager ${this.advertise}`,
      ttlMs: this.sessionTtlMs,
      behavior: 'release',
      lockDelayMs: 1,
    });
    this.lastRenew = Date.now();
    return this.session;
  }

  private async renew(): Promise<void> {
    const id = this.session;
    if (!id || this.controller.signal.aborted) return;
    try {
      if (await this.consul.renewSession(id)) {
        this.lastRenew = Date.now();
        return;
      }
      if (this.session === id) this.session = undefined;
      this.stepDown('session expired');
    } catch (err) {
      log.warn(`Leader Election: renewing the session failed: ${(err as Error).message}`);
    }
    this.checkFresh();
  }

  /** A leader that could not renew for a whole TTL may already have been replaced: stop at once. */
  private checkFresh(): void {
    if (this.leading && Date.now() - this.lastRenew >= this.sessionTtlMs) {
      this.abandoned = this.session;
      this.session = undefined;
      this.stepDown('no contact with Consul for a session TTL');
    }
  }

  private async run(): Promise<void> {
    let index = 0;
    let delay = 250;
    const signal = this.controller.signal;
    while (!signal.aborted) {
      try {
        const session = await this.ensureSession();
        // A leader wakes at least every third of the TTL to check its own freshness.
        const waitMs = this.leading ? this.sessionTtlMs / 3 : 30_000;
        const { pair, index: next } = await this.consul.get(this.key, {
          index: index || undefined,
          waitMs,
          signal,
        });
        index = next < index ? 0 : next;
        this.checkFresh();
        if (this.abandoned) {
          const old = this.abandoned;
          this.abandoned = undefined;
          await this.consul.destroySession(old).catch(() => undefined);
          index = 0;
          continue;
        }
        if (pair?.session && pair.session === this.session) {
          this.becomeLeader();
        } else if (pair?.session) {
          this.stepDown('another manager holds the lock');
          this.follow(pair.value);
        } else if (await this.consul.put(this.key, this.advertise, { acquire: session })) {
          this.becomeLeader();
        } else {
          index = 0;
          await sleep(100, signal);
        }
        delay = 250;
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ConsulError && err.status === 500) this.session = undefined;
        const wait = jitter(delay);
        log.warn(`Leader Election: ${(err as Error).message}; retrying in ${wait} ms`);
        this.checkFresh();
        index = 0;
        await sleep(wait, signal);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  private becomeLeader(): void {
    if (this.leading) return;
    this.leading = true;
    this.primary = this.advertise;
    log.info('Leader Election: Cluster leadership acquired');
    this.hooks.leader(this.advertise);
    this.hooks.elected();
  }

  private stepDown(why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.primary = undefined;
    log.info(`Leader Election: Cluster leadership lost (${why})`);
    this.hooks.lost();
    this.hooks.leader(undefined);
  }

  private follow(addr: string): void {
    // Our own address under a session we no longer hold is a stale lock on its way out, not a leader.
    if (addr === this.advertise) addr = '';
    if ((addr || undefined) === this.primary) return;
    if (!addr) {
      this.primary = undefined;
      this.hooks.leader(undefined);
      return;
    }
    this.primary = addr;
    log.info(`New leader elected: ${addr}`);
    this.hooks.leader(addr);
  }
}
