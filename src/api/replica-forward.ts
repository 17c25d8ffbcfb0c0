// A replica's front (--replication): /_ping, /info, /debug and /metrics are answered here; every other
// request, hijacked streams included, goes to the leader as it came (same path, version, headers and body)
// and its answer comes back as it streams. No leader yet: wait for one a short while, then 503 (classic's texts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { EngineClient } from '../engine/client.js';
import { endpointOf } from '../engine/endpoint.js';
import { ApiError } from '../errors.js';
import { relayUpgrade, rejectUpgrade } from './hijack.js';
import { requestHeaders, responseHeaders } from './proxy.js';
import { sendError } from './respond.js';

/** What a replica answers itself, after an optional version prefix; the whole path, so `/volumes/info` is not. */
const LOCAL = /^(\/v\d+\.\d+)?\/(_ping|info|debug|metrics)(\/.*)?$/;
const LEADER_WAIT_MS = 10_000;

/** Who leads, as the replication's election knows it. */
export interface LeaderView {
  isLeader(): boolean;
  leaderAddr(): string | undefined;
}

export class ReplicaForwarder {
  private client: EngineClient | undefined;

  constructor(
    private readonly election: LeaderView,
    private readonly tls?: ConnectionOptions,
    /** How long a request waits for an election before 503. */
    private readonly leaderWaitMs = LEADER_WAIT_MS,
  ) {}

  /** True when this request is the leader's to answer (this manager is a replica and it is not local). */
  forwards(path: string): boolean {
    return !this.election.isLeader() && !LOCAL.test(path);
  }

  async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const client = await this.leaderClient();
      const url = req.url ?? '/';
      const qi = url.indexOf('?');
      const hasBody =
        req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
      await client.stream(
        {
          method: req.method ?? 'GET',
          path: qi < 0 ? url : url.slice(0, qi),
          query: qi < 0 ? undefined : url.slice(qi + 1),
          version: '',
          headers: requestHeaders(req.headers),
          body: hasBody ? req : null,
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        (status, headers) => {
          res.writeHead(status, responseHeaders(headers));
          if (headers['content-length'] === undefined) res.flushHeaders();
          return res;
        },
      );
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, this.unreachable(err));
      if (!req.complete) req.resume();
    }
  }

  async forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    try {
      const client = await this.leaderClient();
      const upstream = { client, reportSuccess: () => undefined, reportError: () => undefined };
      await relayUpgrade(req, socket, head, { engine: upstream, path: req.url ?? '/' });
    } catch (err) {
      rejectUpgrade(socket, this.unreachable(err));
    }
  }

  private unreachable(err: unknown): unknown {
    if (err instanceof ApiError) return err;
    const addr = this.election.leaderAddr() ?? '';
    return ApiError.internal(`Unable to reach primary cluster manager (${(err as Error).message}): ${addr}`);
  }

  /** The leader's client; waits for an election when there is no leader yet. */
  private async leaderClient(): Promise<EngineClient> {
    const deadline = Date.now() + this.leaderWaitMs;
    let addr = this.election.leaderAddr();
    while (!addr && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      addr = this.election.leaderAddr();
    }
    if (!addr) throw ApiError.unavailable('No elected primary cluster manager');
    if (this.client?.endpoint.addr !== addr) {
      void this.client?.close();
      this.client = new EngineClient(endpointOf(addr, this.tls !== undefined), this.tls);
    }
    return this.client;
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}
