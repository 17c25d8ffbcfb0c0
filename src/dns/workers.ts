// DNS worker processes: UDP queries are answered by `count` node:cluster workers that all read each socket
// (Shoal binds them and hands them down), so the resolver is not held to one core (nor slowed by the API's
// work on Shoal's own thread). Each keeps a copy of the cluster's names from the feed; one that ends is
// replaced. Shoal itself keeps TCP.
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { log } from '../log.js';
import type { NameFeed } from './records.js';
import type { Listen } from './server.js';
import type { Upstream } from './upstream.js';
import type { Counts, FromWorker, ToWorker, WorkerSettings } from './worker-protocol.js';

export interface DnsWorkersOptions {
  count: number;
  ttl: number;
  oneAnswer: boolean;
  upstreams: readonly Upstream[];
  /** How long a worker that ended waits to be replaced. */
  restartDelayMs?: number;
}

const START_TIMEOUT_MS = 15_000;
const FIRST_FD = 4;

export class DnsWorkers {
  /** Workers that were given the names: they are told every change. */
  private readonly started = new Set<Worker>();
  private readonly all = new Set<Worker>();
  private settings: WorkerSettings | undefined;
  private fds: readonly number[] = [];
  private stopping = false;
  private following = false;
  /** Replacements that failed in a row: each waits twice as long as the last (up to 30 s). */
  private failures = 0;
  readonly counts: Counts = { answered: 0, forwarded: 0, failed: 0 };

  constructor(
    private readonly feed: NameFeed,
    private readonly opts: DnsWorkersOptions,
  ) {}

  get size(): number {
    return this.started.size;
  }

  /** The running workers' process IDs. */
  pids(): number[] {
    return [...this.started].map((w) => w.process.pid ?? 0);
  }

  /**
   * Starts the workers on the UDP sockets `fds` (bound to `listen`, in order); rejects, with every worker
   * stopped, if one cannot.
   */
  async start(listen: readonly Listen[], fds: readonly number[]): Promise<void> {
    this.stopping = false;
    this.fds = fds;
    // A child's descriptors 0–2 are Shoal's, 3 the IPC channel, then the sockets from 4.
    this.settings = {
      listen,
      fds: fds.map((_, i) => FIRST_FD + i),
      ttl: this.opts.ttl,
      oneAnswer: this.opts.oneAnswer,
      upstreams: this.opts.upstreams,
    };
    if (!this.following) {
      this.following = true;
      this.feed.follow((changes) => {
        for (const w of this.started) if (w.isConnected()) w.send({ changes } satisfies ToWorker);
      });
    }
    try {
      await Promise.all(Array.from({ length: this.opts.count }, () => this.fork()));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const ended = [...this.all].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          w.once('exit', () => resolve());
          w.kill();
        }),
    );
    await Promise.all(ended);
  }

  /** One worker, started: resolves once it answers on every address. */
  private fork(): Promise<Worker> {
    const stdio = ['inherit', 'inherit', 'inherit', 'ipc', ...this.fds];
    cluster.setupPrimary({ exec: workerEntry(), args: [], execArgv: [], stdio });
    const w = cluster.fork();
    this.all.add(w);
    let ready = false;
    return new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`DNS worker ${w.process.pid} did not start in ${START_TIMEOUT_MS} ms`));
        w.kill();
      }, START_TIMEOUT_MS);
      const settle = (err?: Error) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(w);
      };
      w.on('message', (m: FromWorker) => {
        if ('hello' in m && this.settings) {
          // The names as they are now; every later change follows in order on the same channel.
          w.send({ start: this.settings, names: this.feed.snapshot() } satisfies ToWorker);
          this.started.add(w);
        } else if ('ready' in m) {
          ready = true;
          settle();
        } else if ('failed' in m) settle(new Error(m.failed));
        else if ('counts' in m) {
          this.counts.answered += m.counts.answered;
          this.counts.forwarded += m.counts.forwarded;
          this.counts.failed += m.counts.failed;
        }
      });
      // A worker that just died can fail a send before its exit is seen: the exit handles it.
      w.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ERR_IPC_CHANNEL_CLOSED')
          log.warn(`DNS worker ${w.process.pid}: ${err.message}`);
      });
      w.once('exit', (code, signal) => {
        settle(new Error(`DNS worker ${w.process.pid} ended (${signal ?? `exit ${code}`})`));
        this.started.delete(w);
        this.all.delete(w);
        // One that never started is the starter's to report (start() fails, or replace() tries again).
        if (ready && !this.stopping) this.replace(w, `ended (${signal ?? `exit ${code}`})`);
      });
    });
  }

  /** A worker ended while Shoal runs: another takes its place (the others answer meanwhile). */
  private replace(w: Worker, how: string): void {
    log.warn(`DNS worker ${w.process.pid}: ${how}; starting another`);
    const delay = Math.min((this.opts.restartDelayMs ?? 1000) * 2 ** this.failures, 30_000);
    setTimeout(() => {
      if (this.stopping) return;
      this.fork().then(
        () => (this.failures = 0),
        (err: unknown) => {
          this.failures++;
          this.replace(w, (err as Error).message);
        },
      );
    }, delay).unref();
  }
}

/** The worker's script: next to this file when built; under the test runner (sources), the build's copy. */
function workerEntry(): string {
  const here = import.meta.url;
  return fileURLToPath(
    here.endsWith('.ts')
      ? new URL('../../dist/src/dns/worker-main.js', here)
      : new URL('./worker-main.js', here),
  );
}
