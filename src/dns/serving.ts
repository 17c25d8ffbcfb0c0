// Answering on the DNS addresses: in Shoal's own thread, or with UDP in worker processes that read the
// sockets in batches (TCP stays here). Given the names (an index and the feed its copies follow), whoever
// keeps them current. Without the native batched UDP (not built) Shoal's thread answers, and says so.
import type { NameFeed, NameIndex } from './records.js';
import { log } from '../log.js';
import { batchUdp, type BatchUdp } from './batch-udp.js';
import { DnsServer, type Listen } from './server.js';
import { parseUpstream, Upstreams, type Upstream } from './upstream.js';
import { DnsWorkers } from './workers.js';
import type { Counts } from './worker-protocol.js';

export interface ServingOptions {
  /** Seconds. */
  ttl: number;
  /** Addresses per answer: 0 for all, 1 for one (shuffled either way). */
  answers: number;
  upstreams: readonly Upstream[];
  rng?: () => number;
  /** Processes that answer UDP (0: Shoal's thread does). */
  workers?: number;
  /** How long a worker that ended waits to be replaced (default 1 s). */
  restartDelayMs?: number;
}

export class DnsServing {
  private readonly server: DnsServer;
  private readonly workers: DnsWorkers | undefined;
  private readonly udp: BatchUdp | undefined;
  /** The UDP sockets the workers read (Shoal keeps them open to hand them to a replacement). */
  private fds: number[] = [];

  constructor(index: NameIndex, feed: NameFeed, opts: ServingOptions) {
    this.server = new DnsServer({
      index,
      upstreams: new Upstreams({ servers: opts.upstreams }),
      settings: { ttl: opts.ttl, oneAnswer: opts.answers === 1, rng: opts.rng ?? Math.random },
      upstreamFor: (ip) => index.containerAt(ip)?.upstreams?.map(parseUpstream),
    });
    this.udp = opts.workers ? batchUdp() : undefined;
    if (opts.workers && !this.udp)
      log.warn(
        'DNS: the native batched UDP is not built (npm run build); answering UDP in this thread instead',
      );
    this.workers = this.udp
      ? new DnsWorkers(feed, {
          count: opts.workers ?? 0,
          ttl: opts.ttl,
          oneAnswer: opts.answers === 1,
          upstreams: opts.upstreams,
          ...(opts.restartDelayMs === undefined ? {} : { restartDelayMs: opts.restartDelayMs }),
        })
      : undefined;
  }

  /** Where UDP is answered, for the log. */
  describe(): string {
    return this.workers ? `udp in ${this.workers.size} worker processes, in batches; tcp` : 'udp, tcp';
  }

  /** The worker processes' IDs (none when Shoal's thread answers UDP). */
  workerPids(): number[] {
    return this.workers?.pids() ?? [];
  }

  /** Queries answered, by outcome: this thread's and the workers' (theirs up to a second late). */
  get counts(): Counts {
    const own = this.server.counts;
    const w = this.workers?.counts;
    if (!w) return own;
    return {
      answered: own.answered + w.answered,
      forwarded: own.forwarded + w.forwarded,
      failed: own.failed + w.failed,
    };
  }

  async listen(addrs: readonly Listen[]): Promise<Listen[]> {
    if (!this.workers || !this.udp) return await this.server.listen(addrs);
    return await this.listenWithWorkers(addrs, this.workers, this.udp);
  }

  async close(): Promise<void> {
    await this.workers?.stop();
    for (const fd of this.fds.splice(0)) this.udp?.close(fd);
    await this.server.close();
  }

  /** UDP bound here (port 0 picks one), TCP on the same ports, then the workers on the UDP sockets. */
  private async listenWithWorkers(
    addrs: readonly Listen[],
    workers: DnsWorkers,
    udp: BatchUdp,
  ): Promise<Listen[]> {
    for (let attempt = 1; ; attempt++) {
      const bound: Listen[] = [];
      try {
        for (const a of addrs) {
          const [fd, port] = udp.bind(a.host, a.port);
          this.fds.push(fd);
          bound.push({ host: a.host, port });
        }
        await this.server.listen(bound, 'tcp');
      } catch (err) {
        for (const fd of this.fds.splice(0)) udp.close(fd);
        await this.server.close();
        // A port UDP picked may be taken for TCP: pick again.
        const picked = addrs.some((l) => l.port === 0);
        if (!picked || attempt >= 20 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        continue;
      }
      try {
        await workers.start(bound, this.fds);
      } catch (err) {
        await this.close();
        throw err;
      }
      return bound;
    }
  }
}
