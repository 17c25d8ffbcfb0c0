// HTTP client for one Docker Engine: a keep-alive undici pool, version-prefixed paths, typed JSON calls.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { Readable, Writable } from 'node:stream';
import { Client, Pool, type Dispatcher } from 'undici';
import { EngineHttpError } from './errors.js';
import { PipelinedClient, streamGet, type RawResponse, type StreamHandlers } from './pipelined.js';
import { EngineUnreachableError, isConnectionError } from './connection-errors.js';
import type { EngineEndpoint } from './endpoint.js';

export interface RequestOptions {
  method: Dispatcher.HttpMethod;
  /** Path without version prefix, e.g. "/containers/json". */
  path: string;
  /** Raw query string without "?", or a record to encode. */
  query?: string | Record<string, string | undefined>;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer | Readable | null;
  signal?: AbortSignal;
  /** API version for the path prefix; the engine's negotiated one by default; "" for no prefix. */
  version?: string;
  /** 0 disables; default 30 s for headers, none for the body. */
  headersTimeout?: number;
  bodyTimeout?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_MS = 30_000;
/** Background reads written ahead on the one background connection (an engine answers them in turn). */
const BACKGROUND_IN_FLIGHT = 32;

export class EngineClient {
  private pool: Pool;
  private background: PipelinedClient;
  /** The API version this engine is spoken to at (set once validated). */
  version = '';

  constructor(
    readonly endpoint: EngineEndpoint,
    private readonly tls?: ConnectionOptions,
  ) {
    this.pool = this.newPool();
    this.background = this.newBackground();
  }

  private connectionOptions() {
    return {
      socketPath: this.endpoint.socketPath,
      pipelining: 1,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: 600_000,
      connectTimeout: CONNECT_TIMEOUT_MS,
      connect: this.tls ? { ...this.tls } : undefined,
    };
  }

  private newPool(): Pool {
    return new Pool(this.endpoint.origin, { ...this.connectionOptions(), connections: null });
  }

  private newBackground(): PipelinedClient {
    return new PipelinedClient({
      connect: () => this.connectSocket(false),
      host: this.hostHeader(),
      timeoutMs: DEFAULT_TIMEOUT_MS,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      idleMs: KEEP_ALIVE_MS,
      maxInFlight: BACKGROUND_IN_FLIGHT,
    });
  }

  /**
   * Starts over with new connections. A dockerd that is shutting down refuses new connections but keeps
   * answering on the ones it has for as long as it takes to stop its containers (measured: 12 s with busy
   * containers), so after a failed connection the engine is judged on fresh ones only. Requests in flight
   * (streams) finish on the old connections.
   */
  resetConnections(): void {
    const old = this.pool;
    this.background.retire();
    this.pool = this.newPool();
    this.background = this.newBackground();
    old.close().catch(() => undefined);
  }

  pathFor(path: string, version = this.version): string {
    return version ? `/v${version}${path}` : path;
  }

  /** The version-prefixed path with its query. */
  private fullPath(path: string, version: string | undefined, query: RequestOptions['query']): string {
    let full = this.pathFor(path, version);
    if (query !== undefined) {
      const q = typeof query === 'string' ? query : encodeQuery(query);
      if (q) full += `?${q}`;
    }
    return full;
  }

  /** undici's options for a call: the version-prefixed path with its query, and the timeouts. */
  private dispatchOptions(opts: RequestOptions): Dispatcher.RequestOptions {
    return {
      method: opts.method,
      path: this.fullPath(opts.path, opts.version, opts.query),
      headers: opts.headers,
      body: opts.body ?? null,
      signal: opts.signal,
      headersTimeout: opts.headersTimeout ?? DEFAULT_TIMEOUT_MS,
      bodyTimeout: opts.bodyTimeout ?? 0,
    };
  }

  private unreachable(err: unknown): unknown {
    return isConnectionError(err) ? new EngineUnreachableError(this.endpoint.addr, err) : err;
  }

  /** A raw request; the response body must be consumed or destroyed by the caller. */
  async request(opts: RequestOptions): Promise<Dispatcher.ResponseData> {
    try {
      return await this.pool.request(this.dispatchOptions(opts));
    } catch (err) {
      throw this.unreachable(err);
    }
  }

  /**
   * Streams the answer straight into the writable the factory returns (undici's fastest path, used for
   * passthrough). Resolves when the body is fully written.
   */
  async stream(
    opts: RequestOptions,
    factory: (statusCode: number, headers: Dispatcher.ResponseData['headers']) => Writable,
  ): Promise<void> {
    try {
      await this.pool.stream(this.dispatchOptions(opts), ({ statusCode, headers }) =>
        factory(statusCode, headers),
      );
    } catch (err) {
      throw this.unreachable(err);
    }
  }

  /**
   * A JSON call; non-2xx answers throw EngineHttpError carrying the engine's status and body. The timeout
   * bounds the wait for the headers and each wait for more of the body (undici's own timers: an
   * AbortSignal.timeout per call cost a timer and a signal for every one of thousands of calls).
   */
  async json<T>(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: {
      query?: RequestOptions['query'];
      body?: unknown;
      timeoutMs?: number;
      version?: string;
      /**
       * "background": on the engine's one background connection, pipelined behind the others there (the
       * periodic and start-up reads of lists, inspects and specs; GETs only, bounded by the default
       * timeout), so that a thousand engines read at once open a thousand connections, not five thousand,
       * and an engine's reads of one turn go out in one write. The default takes any free connection of the
       * pool.
       */
      lane?: 'background';
    } = {},
  ): Promise<T> {
    if (opts.lane === 'background')
      return this.backgroundJson<T>(this.fullPath(path, opts.version, opts.query));
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const res = await this.request({
      method,
      path,
      query: opts.query,
      version: opts.version,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      headers: opts.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    let buf: Buffer;
    try {
      buf = Buffer.from(await res.body.arrayBuffer());
    } catch (err) {
      throw this.unreachable(err);
    }
    if (res.statusCode >= 400) {
      throw new EngineHttpError(res.statusCode, buf, headerValue(res.headers['content-type']));
    }
    if (buf.length === 0) return undefined as T;
    return JSON.parse(buf.toString('utf8')) as T;
  }

  private async backgroundJson<T>(path: string): Promise<T> {
    let res: RawResponse;
    try {
      res = await this.background.get(path);
    } catch (err) {
      throw this.unreachable(err);
    }
    if (res.status >= 400) throw new EngineHttpError(res.status, res.body, res.contentType);
    if (res.body.length === 0) return undefined as T;
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  /**
   * A long GET on a connection of its own (an engine's event stream), read as it comes; returns the way to
   * stop it.
   */
  streamGet(
    path: string,
    query: RequestOptions['query'],
    headersTimeoutMs: number,
    handlers: StreamHandlers,
  ): () => void {
    const full = this.fullPath(path, undefined, query);
    return streamGet(this.connectSocket(false), this.hostHeader(), full, headersTimeoutMs, handlers);
  }

  private hostHeader(): string {
    return new URL(this.endpoint.origin).host;
  }

  /**
   * Asks on a connection of its own, closed after: a stopping dockerd refuses new connections at once but
   * answers on kept-alive ones until its containers have stopped, so a health check on the pool's
   * connections would say "healthy" for as long as that takes.
   */
  async probe(path: string, timeoutMs: number): Promise<number> {
    const client = new Client(this.endpoint.origin, {
      socketPath: this.endpoint.socketPath,
      connectTimeout: timeoutMs,
      connect: this.tls ? { ...this.tls } : undefined,
    });
    try {
      const res = await client.request({
        method: 'GET',
        path,
        headers: { connection: 'close' },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await res.body.dump();
      return res.statusCode;
    } catch (err) {
      throw this.unreachable(err);
    } finally {
      await client.destroy().catch(() => undefined);
    }
  }

  /** A raw socket to the engine, for hijacked streams (attach, exec) that HTTP clients cannot carry. */
  connectRaw(): Socket {
    return this.connectSocket(true);
  }

  private connectSocket(allowHalfOpen: boolean): Socket {
    const ep = this.endpoint;
    if (ep.socketPath) return netConnect({ path: ep.socketPath, allowHalfOpen });
    if (this.tls) {
      // SNI and the certificate check use the host name; an IP address is checked against IP SANs.
      const servername = isIP(ep.host) ? undefined : ep.host;
      // allowHalfOpen is honoured by tls.connect (a stdin EOF must not end the output) but not in its types.
      const halfOpen = { allowHalfOpen } as ConnectionOptions;
      return tlsConnect({ ...this.tls, ...halfOpen, host: ep.host, port: ep.port, servername });
    }
    return netConnect({ host: ep.host, port: ep.port, allowHalfOpen });
  }

  async close(): Promise<void> {
    this.background.close();
    await this.pool.destroy().catch(() => undefined);
  }
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function encodeQuery(q: Record<string, string | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return parts.join('&');
}
