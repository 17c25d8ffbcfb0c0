// The embedded DNS load balancer: the cluster's names (kept from the engines), served on the --dns-listen
// addresses (serving.ts), and the upstreams for everything else.
import { readFileSync } from 'node:fs';
import { log } from '../log.js';
import type { Pool } from '../pool/pool.js';
import { ClusterNames } from './cluster-names.js';
import { ensureLocalAddress, systemNameservers } from './local-address.js';
import { resolverList } from './resolver-list.js';
import type { Listen } from './server.js';
import { DnsServing } from './serving.js';
import { parseUpstream, type Upstream } from './upstream.js';
import type { Counts } from './worker-protocol.js';

export interface DnsOptions {
  listen: readonly Listen[];
  /** Seconds. */
  ttl: number;
  /** Addresses per answer: 0 for all, 1 for one (shuffled either way). */
  answers: number;
  /** Upstreams for names that are not Shoal's; default: this machine's /etc/resolv.conf. */
  upstreams?: readonly Upstream[];
  rng?: () => number;
  /** Processes that answer UDP beside Shoal's own thread (0: Shoal answers UDP itself). */
  workers?: number;
  /** With several managers: the other managers' resolver addresses, one list per manager, read at each create. */
  otherManagers?: () => readonly (readonly string[])[];
}

export class ClusterDns {
  readonly names: ClusterNames;
  private readonly serving: DnsServing;
  private undo: (() => Promise<void>)[] = [];
  private bound: Listen[] = [];

  constructor(
    pool: Pool,
    private readonly opts: DnsOptions,
  ) {
    this.names = new ClusterNames(pool);
    this.serving = new DnsServing(this.names.index, this.names, {
      ...opts,
      upstreams: opts.upstreams ?? defaultUpstreams(),
    });
  }

  /** This manager's own resolver addresses (--dns-listen): the engines' hosts route them here. */
  ownAddresses(): string[] {
    return this.opts.listen.map((l) => l.host);
  }

  /** The addresses containers are given as their resolvers: this manager's first, then the others'. */
  resolvers(): string[] {
    return resolverList(this.ownAddresses(), this.opts.otherManagers?.() ?? []);
  }

  listening(): readonly Listen[] {
    return this.bound;
  }

  get counts(): Counts {
    return this.serving.counts;
  }

  async start(): Promise<void> {
    this.names.start();
    for (const l of this.opts.listen) this.undo.push(await ensureLocalAddress(l.host));
    this.bound = await this.serving.listen(this.opts.listen);
    log.info(
      `DNS on ${this.bound.map((b) => `${b.host}:${b.port}`).join(', ')} (${this.serving.describe()})`,
    );
  }

  async stop(): Promise<void> {
    this.names.stop();
    await this.serving.close();
    for (const u of this.undo) await u();
    this.undo = [];
  }
}

function defaultUpstreams(): Upstream[] {
  try {
    return systemNameservers(readFileSync('/etc/resolv.conf', 'utf8')).map(parseUpstream);
  } catch {
    return [];
  }
}
