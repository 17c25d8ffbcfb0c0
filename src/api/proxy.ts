// Passthrough to one engine: the client's request goes to the engine (at a version it speaks), the answer
// streams back untouched, flushed as it arrives; a client that leaves aborts the upstream request.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { clampVersion } from '../docker/api-version.js';
import type { Engine } from '../engine/engine.js';
import type { RequestContext } from './context.js';
import { EngineHttpError } from '../errors.js';
import { baseHeaders } from './respond.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** The API version to use with this engine for a client that asked for `clientVersion` ("" = default). */
export function engineVersion(engine: Engine, clientVersion: string): string {
  const max = engine.apiVersion;
  if (!clientVersion || !engine.specs) return max;
  return clampVersion(clientVersion, engine.specs.minApiVersion, max);
}

export function requestHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  }
  return out;
}

export function responseHeaders(h: Dispatcher.ResponseData['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  }
  return out;
}

function hasBody(ctx: RequestContext): boolean {
  const h = ctx.req.headers;
  if (h['transfer-encoding'] !== undefined) return true;
  const len = h['content-length'];
  return len !== undefined && len !== '0';
}

export interface ForwardOptions {
  /** Engine path without version (IDs resolved); defaults to the client's path. */
  path?: string;
  /** Replaces the client's query string. */
  query?: string;
  /** Replaces the client's body (already read). */
  body?: string | Buffer;
}

/** Sends the client's request to the engine and returns the engine's answer (body not yet read). */
export async function send(
  ctx: RequestContext,
  engine: Engine,
  opts: ForwardOptions = {},
): Promise<Dispatcher.ResponseData> {
  const abort = new AbortController();
  const onClose = () => {
    if (!ctx.res.writableFinished) abort.abort();
  };
  ctx.res.once('close', onClose);
  const headers = requestHeaders(ctx.req.headers);
  let body: string | Buffer | Readable | null = null;
  if (opts.body !== undefined) {
    body = opts.body;
    headers['content-length'] = String(Buffer.byteLength(opts.body));
  } else if (hasBody(ctx)) {
    body = ctx.req;
  }
  try {
    const res = await engine.client.request({
      method: ctx.method,
      path: opts.path ?? ctx.path,
      query: opts.query ?? ctx.rawQuery,
      version: engineVersion(engine, ctx.version),
      headers,
      body,
      signal: abort.signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    engine.reportSuccess();
    return res;
  } catch (err) {
    engine.reportError(err);
    throw err;
  }
}

/** Streams the engine's answer to the client as it arrives (logs -f, stats, wait, archive, export…). */
export async function forward(ctx: RequestContext, engine: Engine, opts: ForwardOptions = {}): Promise<void> {
  const upstream = await send(ctx, engine, opts);
  ctx.res.writeHead(upstream.statusCode, { ...baseHeaders(), ...responseHeaders(upstream.headers) });
  // Headers go out at once: `docker run` waits for the /wait headers before it starts the container.
  ctx.res.flushHeaders();
  try {
    await pipeline(upstream.body, ctx.res);
  } catch {
    upstream.body.destroy();
    ctx.res.destroy();
  }
}

/**
 * Sends the request and reads the whole answer. Error statuses throw EngineHttpError (the client then gets
 * the engine's own status and body); success returns the body so the caller can update caches first.
 */
export async function exchange(
  ctx: RequestContext,
  engine: Engine,
  opts: ForwardOptions = {},
): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  const upstream = await send(ctx, engine, opts);
  const body = Buffer.from(await upstream.body.arrayBuffer());
  const contentType = upstream.headers['content-type'];
  if (upstream.statusCode >= 400) {
    throw new EngineHttpError(
      upstream.statusCode,
      body,
      Array.isArray(contentType) ? contentType[0] : contentType,
    );
  }
  return { status: upstream.statusCode, headers: responseHeaders(upstream.headers), body };
}

export function sendExchange(
  ctx: RequestContext,
  r: { status: number; headers: Record<string, string | string[]>; body: Buffer },
): void {
  ctx.res.writeHead(r.status, { ...baseHeaders(), ...r.headers, 'content-length': String(r.body.length) });
  ctx.res.end(r.body);
}
