// `consul://h:p[,h:p]/<prefix>`: engines registered under <prefix>/docker/swarm/nodes/ (classic's `join`
// layout, values are the addresses) and/or in Consul's catalog as a service with passing checks.
// Both are followed with blocking queries; when Consul is unreachable the last list is kept and the
// watch retries with back-off.
import { sleep } from '../sleep.js';
import { jitter } from '../backoff.js';
import { consulTarget, keyOf } from '../consul/address.js';
import { ConsulConnection } from '../consul/connection.js';
import { log } from '../log.js';
import {
  DiscoveryError,
  type Discovery,
  type DiscoveryListener,
  type DiscoveryOptions,
  type EngineAddr,
} from './discovery.js';
import { normaliseEntry } from './entries.js';

export type ConsulSource = 'kv' | 'catalog' | 'both';

export interface ConsulDiscoverySettings {
  /** Directory under the prefix holding the registrations (classic's kv.path). */
  kvPath: string;
  source: ConsulSource;
  /** Catalog service name. */
  service: string;
  /** How long one blocking query waits at most. */
  waitMs: number;
  /** Back-off after an error: from the first value, doubling, to the second. */
  retryMs: [number, number];
}

export function consulSettings(opts: DiscoveryOptions): ConsulDiscoverySettings {
  const o = opts.options;
  const source = o['consul.source'] ?? 'kv';
  if (source !== 'kv' && source !== 'catalog' && source !== 'both') {
    throw new DiscoveryError(`consul.source must be kv, catalog or both, not ${JSON.stringify(source)}`);
  }
  return {
    kvPath: o['kv.path'] ?? 'docker/swarm/nodes',
    source,
    service: o['consul.service'] ?? 'docker',
    waitMs: 30_000,
    retryMs: [500, Math.max(1000, Math.min(opts.heartbeatMs, 30_000))],
  };
}

/** Where one source stands, for `docker info` and the logs. */
interface SourceState {
  entries: EngineAddr[];
  error?: string;
  since?: Date;
}

export class ConsulDiscovery implements Discovery {
  readonly scheme = 'consul';
  readonly connection: ConsulConnection;
  readonly prefix: string;
  private readonly controller = new AbortController();
  private readonly states = new Map<string, SourceState>();
  private last: string | undefined;

  constructor(
    rest: string,
    opts: DiscoveryOptions,
    readonly settings: ConsulDiscoverySettings = consulSettings(opts),
  ) {
    const target = consulTarget(rest, opts.options);
    if (target.tls) log.info('Initializing discovery with TLS');
    this.connection = new ConsulConnection(target);
    this.prefix = target.prefix;
  }

  /** The directory the engines register under. */
  get nodesKey(): string {
    return keyOf(this.prefix, this.settings.kvPath);
  }

  watch(listener: DiscoveryListener): void {
    const s = this.settings.source;
    if (s === 'kv' || s === 'both') void this.follow('kv', listener, (b) => this.readKv(b));
    if (s === 'catalog' || s === 'both') void this.follow('catalog', listener, (b) => this.readCatalog(b));
  }

  stop(): void {
    this.controller.abort();
    this.connection.close();
  }

  /** One line per source: "ok" or since when it has failed and why. */
  status(): string {
    const parts = [...this.states].map(([name, st]) =>
      st.error
        ? `${name} unreachable since ${st.since?.toISOString() ?? '?'} (${st.error}), retrying; keeping ${st.entries.length} known engines`
        : `${name} ok`,
    );
    return `consul ${this.connection.target.hosts.join(',')}: ${parts.join('; ')}`;
  }

  /** One registration list per answer: the values under the nodes directory. */
  async readKv(index: number): Promise<{ entries: EngineAddr[]; index: number }> {
    const dir = `${this.nodesKey}/`;
    const { pairs, index: next } = await this.connection.list(dir, {
      index: index || undefined,
      waitMs: this.settings.waitMs,
      signal: this.controller.signal,
    });
    const entries = pairs.filter((p) => p.key !== dir).map((p) => p.value.trim() || p.key.slice(dir.length));
    return { entries, index: next };
  }

  async readCatalog(index: number): Promise<{ entries: EngineAddr[]; index: number }> {
    const { instances, index: next } = await this.connection.passing(this.settings.service, {
      index: index || undefined,
      waitMs: this.settings.waitMs,
      signal: this.controller.signal,
    });
    const entries = instances
      .filter((i) => i.address !== '' && i.port > 0)
      .map((i) => (i.address.includes(':') ? `[${i.address}]:${i.port}` : `${i.address}:${i.port}`));
    return { entries, index: next };
  }

  private async follow(
    name: string,
    listener: DiscoveryListener,
    read: (index: number) => Promise<{ entries: EngineAddr[]; index: number }>,
  ): Promise<void> {
    const state: SourceState = { entries: [] };
    this.states.set(name, state);
    let index = 0;
    let delay = this.settings.retryMs[0];
    while (!this.controller.signal.aborted) {
      try {
        const r = await read(index);
        // An index going backwards means Consul's state was reset: start over (Consul's advice).
        index = r.index < index ? 0 : r.index;
        if (state.error) log.info(`Discovery: consul ${name} reachable again`);
        state.error = undefined;
        state.since = undefined;
        delay = this.settings.retryMs[0];
        state.entries = this.valid(r.entries, listener);
        this.emit(listener);
      } catch (err) {
        if (this.controller.signal.aborted) return;
        if (!state.error) state.since = new Date();
        state.error = (err as Error).message;
        const wait = jitter(delay);
        listener.error(new DiscoveryError(`consul ${name}: ${state.error} (retrying in ${wait} ms)`));
        await sleep(wait, this.controller.signal);
        delay = Math.min(delay * 2, this.settings.retryMs[1]);
        index = 0;
      }
    }
  }

  private valid(entries: EngineAddr[], listener: DiscoveryListener): EngineAddr[] {
    const out: EngineAddr[] = [];
    for (const e of entries) {
      try {
        out.push(normaliseEntry(e));
      } catch (err) {
        listener.error(err as Error);
      }
    }
    return out;
  }

  /** The union of the sources, sent only when it changed. */
  private emit(listener: DiscoveryListener): void {
    const all = [...new Set([...this.states.values()].flatMap((s) => s.entries))].sort();
    const key = all.join(',');
    if (key === this.last) return;
    this.last = key;
    listener.entries(all);
  }
}
