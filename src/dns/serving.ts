// Answering on the DNS addresses: in Shoal's own thread, or with UDP in worker processes (TCP stays here).
// Given the names (an index and the feed its copies follow), whoever keeps them current.
import type { NameFeed, NameIndex } from './records.js';
import { DnsServer, type Listen } from './server.js';
import { parseUpstream, Upstreams, type Upstream } from './upstream.js';
import { DnsWorkers, WorkerStartError } from './workers.js';
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

  constructor(index: NameIndex, feed: NameFeed, opts: ServingOptions) {
    this.server = new DnsServer({
      index,
      upstreams: new Upstreams({ servers: opts.upstreams }),
      settings: { ttl: opts.ttl, oneAnswer: opts.answers === 1, rng: opts.rng ?? Math.random },
      upstreamFor: (ip) => index.containerAt(ip)?.upstreams?.map(parseUpstream),
    });
    this.workers = opts.workers
      ? new DnsWorkers(feed, {
          count: opts.workers,
          ttl: opts.ttl,
          oneAnswer: opts.answers === 1,
          upstreams: opts.upstreams,
          ...(opts.restartDelayMs === undefined ? {} : { restartDelayMs: opts.restartDelayMs }),
        })
      : undefined;
  }

  /** Where UDP is answered, for the log. */
  describe(): string {
    return this.workers ? `udp in ${this.workers.size} worker processes, tcp` : 'udp, tcp';
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
    return this.workers ? await this.listenWithWorkers(addrs, this.workers) : await this.server.listen(addrs);
  }

  async close(): Promise<void> {
    await this.workers?.stop();
    await this.server.close();
  }

  /** TCP here, which settles the ports (port 0 picks one), then UDP on the same ports in the workers. */
  private async listenWithWorkers(addrs: readonly Listen[], workers: DnsWorkers): Promise<Listen[]> {
    const anyPort = addrs.some((l) => l.port === 0);
    for (let attempt = 1; ; attempt++) {
      const bound = await this.server.listen(addrs, 'tcp');
      try {
        await workers.start(bound);
        return bound;
      } catch (err) {
        await this.server.close();
        // A port TCP picked may be taken for UDP: pick again.
        if (!anyPort || attempt >= 20 || !(err instanceof WorkerStartError) || err.code !== 'EADDRINUSE')
          throw err;
      }
    }
  }
}
