// The calls every engine operation is made of: each reports its outcome to the engine's health, an error
// status is thrown as an EngineHttpError with its kind, and a progress stream's error is thrown like one.
import type { Dispatcher } from 'undici';
import type { EngineClient, RequestOptions } from './client.js';
import { EngineHttpError } from './errors.js';
import { eachLine, streamError } from './progress.js';
import type { ListKind, ResourceLists } from './resource-lists.js';

/** What the operations need of their engine (Engine implements it). */
export interface OperationsHost {
  readonly client: EngineClient;
  readonly lists: ResourceLists;
  reportSuccess(): void;
  reportError(err: unknown): void;
  /** Re-reads one container into the cache; failures are reported, never thrown. */
  settleContainer(id: string): Promise<void>;
  versionFor(clientVersion: string): string;
}

/** Calls answered with a progress stream (pull, load, import). */
export interface ProgressOptions {
  /** The client's API version. */
  version?: string;
  /** The client's raw query (platform, quiet…), passed on as it is. */
  rawQuery?: string;
  /** Each progress object of the engine's stream, as it arrives (errors excepted: they are thrown). */
  progress?: (obj: Record<string, unknown>) => void;
}

export type Query = Record<string, string | undefined>;

export const enc = encodeURIComponent;

export class EngineCalls {
  constructor(protected readonly host: OperationsHost) {}

  /** One JSON call with its outcome reported to the engine's health. */
  protected async call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    opts: { query?: Query; body?: unknown; timeoutMs?: number } = {},
  ): Promise<T> {
    try {
      const out = await this.host.client.json<T>(method, path, opts);
      this.host.reportSuccess();
      return out;
    } catch (err) {
      if (err instanceof EngineHttpError) this.host.reportSuccess();
      else this.host.reportError(err);
      throw err;
    }
  }

  /** A raw call (streams, client headers and versions), reported the same way; error statuses throw. */
  protected async raw(
    method: 'GET' | 'HEAD' | 'POST' | 'PUT',
    path: string,
    opts: Omit<RequestOptions, 'method' | 'path'>,
  ): Promise<{ status: number; body: Dispatcher.ResponseData['body'] }> {
    let res;
    try {
      res = await this.host.client.request({ method, path, headersTimeout: 0, ...opts });
    } catch (err) {
      this.host.reportError(err);
      throw err;
    }
    this.host.reportSuccess();
    if (res.statusCode >= 400) {
      const body = Buffer.from(await res.body.arrayBuffer());
      const ct = res.headers['content-type'];
      throw new EngineHttpError(res.statusCode, body, Array.isArray(ct) ? ct[0] : ct);
    }
    return { status: res.statusCode, body: res.body };
  }

  protected async settleList(kind: ListKind): Promise<void> {
    await this.host.lists.update(kind);
  }

  /** A call answered with a progress stream; its in-stream error is thrown, the image list re-read. */
  protected async progressCall(
    path: string,
    opts: ProgressOptions,
    req: Omit<RequestOptions, 'method' | 'path'>,
  ): Promise<void> {
    const version = opts.version === undefined ? undefined : this.host.versionFor(opts.version);
    try {
      const res = await this.raw('POST', path, { ...req, version });
      let error: string | undefined;
      await eachLine(res.body, (obj) => {
        const e = streamError(obj);
        if (e !== undefined) error = e;
        else opts.progress?.(obj);
      });
      if (error !== undefined) throw EngineHttpError.fromStream(error);
    } finally {
      await this.settleList('images');
    }
  }
}
