// A bench for task logs over real sockets: fake engines behind a Shoal manager (for its Engine objects),
// streamTaskLogs behind a small HTTP server as the API route will call it, and a client that can read
// slowly or leave.
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendError } from '../../src/api/respond.js';
import {
  streamTaskLogs,
  type LogSource,
  type LogWatch,
  type TaskLogsOptions,
} from '../../src/api/service-logs.js';
import type { Engine } from '../../src/engine/engine.js';
import { fakeCluster, type FakeCluster } from './cluster.js';
import { runningState, type FakeEngine } from './fake-engine.js';
import type { FakeLog } from './fake-logs.js';

/** What the Docker CLI asks: `docker service logs s`. */
export const ALL = 'details=1&stderr=1&stdout=1&tail=all';

export interface Task {
  source: LogSource;
  log: FakeLog;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body(): Buffer;
  /** The connection is closed (the answer ended, or the client left). */
  ended: Promise<void>;
  /** The client leaves. */
  close(): void;
}

/** What the next request streams. */
export interface Serving {
  sources: LogSource[];
  watch?: LogWatch;
  opts?: TaskLogsOptions;
}

export class TaskLogsBench {
  serving: Serving = { sources: [] };
  /** Each call of streamTaskLogs, to see it settle. */
  readonly calls: Promise<void>[] = [];
  private seq = 0;

  private readonly server: Server;
  private base = '';

  private constructor(readonly cluster: FakeCluster) {
    this.server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const { sources, watch, opts } = this.serving;
      const call = streamTaskLogs(req, res, sources, query, watch, opts);
      // As the API server does: an error before the answer started is rendered, after it the stream ends.
      this.calls.push(call.catch((err) => sendError(res, err)));
    });
  }

  static async start(engines: number): Promise<TaskLogsBench> {
    const bench = new TaskLogsBench(await fakeCluster(Array.from({ length: engines }, () => ({}))));
    await new Promise<void>((resolve) => bench.server.listen(0, '127.0.0.1', resolve));
    bench.base = `http://127.0.0.1:${(bench.server.address() as AddressInfo).port}`;
    return bench;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    await this.cluster.stop();
  }

  get lastCall(): Promise<void> | undefined {
    return this.calls[this.calls.length - 1];
  }

  /** A running task container on engine i, with its swarm IDs. */
  task(i: number, opts: { tty?: boolean; ids?: Partial<LogSource> } = {}): Task {
    const fake = this.cluster.engines[i] as FakeEngine;
    const engine = this.cluster.manager.pool.engine(`node-${i}`) as Engine;
    const n = ++this.seq;
    const tty = opts.tty ?? false;
    const ct = fake.addContainer(`svc.${n}.task${n}`, { State: runningState(), Tty: tty });
    const source: LogSource = {
      engine,
      containerId: ct.Id,
      nodeId: `node${i}id`,
      serviceId: 'svc1id',
      taskId: `task${n}id`,
      tty,
      ...opts.ids,
    };
    return { source, log: fake.logOf(ct.Id) };
  }

  /** A request; with `pauseMs` the client stops reading for that long once the answer starts. */
  open(query: string, version = 'v1.41', opts: { pauseMs?: number } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const url = `${this.base}/${version}/services/svc1/logs?${query}`;
      const req = get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        if (opts.pauseMs) {
          res.pause();
          setTimeout(() => res.resume(), opts.pauseMs);
        }
        const ended = new Promise<void>((r) => res.once('close', r));
        res.on('error', () => undefined);
        req.on('error', () => undefined);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: () => Buffer.concat(chunks),
          ended,
          close: () => req.destroy(),
        });
      });
      req.once('error', reject);
    });
  }

  /** A whole answer (not follow). */
  async fetch(query: string, version?: string): Promise<{ a: Answer; body: Buffer }> {
    const a = await this.open(query, version);
    await a.ended;
    return { a, body: a.body() };
  }
}

/** The details a task's lines start with (IDs that need no escaping). */
export function details(s: LogSource): string {
  return `com.docker.swarm.node.id=${s.nodeId},com.docker.swarm.service.id=${s.serviceId},com.docker.swarm.task.id=${s.taskId}`;
}

/** Whether the answer is still open after a while. */
export async function stillOpen(a: Answer, ms = 100): Promise<boolean> {
  let ended = false;
  void a.ended.then(() => (ended = true));
  await new Promise((r) => setTimeout(r, ms));
  return !ended;
}
