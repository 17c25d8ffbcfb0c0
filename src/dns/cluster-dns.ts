// The embedded DNS load balancer: the cluster's names (kept from the engines), the server on the
// --dns-listen addresses, and the upstreams for everything else.
import { readFileSync } from 'node:fs';
import { log } from '../log.js';
import type { Pool } from '../pool/pool.js';
import { ClusterNames } from './cluster-names.js';
import { ensureLocalAddress, systemNameservers } from './local-address.js';
import { resolverList } from './resolver-list.js';
import { DnsServer, type Listen } from './server.js';
import { Upstreams, type Upstream } from './upstream.js';

export interface DnsOptions {
  listen: readonly Listen[];
  /** Seconds. */
  ttl: number;
  /** Addresses per answer: 0 for all, 1 for one (shuffled either way). */
  answers: number;
  /** Upstreams for names that are not Shoal's; default: this machine's /etc/resolv.conf. */
  upstreams?: readonly Upstream[];
  rng?: () => number;
  /** With several managers: the other managers' resolver addresses, one list per manager, read at each create. */
  otherManagers?: () => readonly (readonly string[])[];
}

export class ClusterDns {
  readonly names: ClusterNames;
  private readonly server: DnsServer;
  private undo: (() => Promise<void>)[] = [];
  private bound: Listen[] = [];

  constructor(
    pool: Pool,
    private readonly opts: DnsOptions,
  ) {
    this.names = new ClusterNames(pool);
    const upstreams = opts.upstreams ?? defaultUpstreams();
    this.server = new DnsServer({
      index: this.names.index,
      upstreams: new Upstreams({ servers: upstreams }),
      settings: { ttl: opts.ttl, oneAnswer: opts.answers === 1, rng: opts.rng ?? Math.random },
      upstreamFor: (ip) => {
        const c = this.names.index.containerAt(ip);
        const own = c ? this.names.upstreamOf(c.id) : undefined;
        return own?.map(parseUpstream);
      },
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

  get counts(): DnsServer['counts'] {
    return this.server.counts;
  }

  async start(): Promise<void> {
    this.names.start();
    for (const l of this.opts.listen) this.undo.push(await ensureLocalAddress(l.host));
    this.bound = await this.server.listen(this.opts.listen);
    log.info(`DNS on ${this.bound.map((b) => `${b.host}:${b.port}`).join(', ')} (udp, tcp)`);
  }

  async stop(): Promise<void> {
    this.names.stop();
    await this.server.close();
    for (const u of this.undo) await u();
    this.undo = [];
  }
}

/** `198.18.0.1`, `198.18.0.1:5353`, `[fd00::1]:53` or a bare IPv6 address; port 53 unless given. */
export function parseUpstream(text: string): Upstream {
  const v6 = /^\[(.+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: v6[1] ?? '', port: Number(v6[2] ?? 53) };
  if (text.split(':').length > 2) return { host: text, port: 53 };
  const [host = '', port] = text.split(':');
  return { host, port: port ? Number(port) : 53 };
}

function defaultUpstreams(): Upstream[] {
  try {
    return systemNameservers(readFileSync('/etc/resolv.conf', 'utf8')).map(parseUpstream);
  } catch {
    return [];
  }
}
