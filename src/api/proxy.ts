// Passthrough to one engine: the client's request goes to the engine (at a version it speaks), the answer
// streams back untouched, flushed as it arrives; a client that leaves aborts the upstream request.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { RequestOptions } from '../engine/client.js';
import type { Engine } from '../engine/engine.js';
import type { RequestContext } from './context.js';
import { EngineHttpError } from '../engine/errors.js';
import { baseHeaders } from './respond.js';
import { noteEngine } from './access-log.js';

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

/** The client's request, as it goes to this engine: same method, headers and body, the engine's version. */
function upstreamRequest(ctx: RequestContext, engine: Engine, opts: ForwardOptions): RequestOptions {
  const headers = requestHeaders(ctx.req.headers);
  let body: string | Buffer | Readable | null = null;
  if (opts.body !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(opts.body));
    body = opts.body;
  } else if (hasBody(ctx)) {
    body = ctx.req;
  }
  return {
    method: ctx.method,
    path: opts.path ?? ctx.path,
    query: opts.query ?? ctx.rawQuery,
    version: engine.versionFor(ctx.version),
    headers,
    body,
    headersTimeout: 0,
    bodyTimeout: 0,
  };
}

/** Sends the client's request to the engine and returns the engine's answer (body not yet read). */
export async function send(
  ctx: RequestContext,
  engine: Engine,
  opts: ForwardOptions = {},
): Promise<Dispatcher.ResponseData> {
  try {
    const res = await engine.client.request(upstreamRequest(ctx, engine, opts));
    engine.reportSuccess();
    return res;
  } catch (err) {
    engine.reportError(err);
    throw err;
  }
}

/**
 * Streams the engine's answer to the client as it arrives (logs -f, stats, wait, archive, export…). undici
 * writes into the response directly; a client that leaves destroys the response, which aborts upstream.
 */
export async function forward(ctx: RequestContext, engine: Engine, opts: ForwardOptions = {}): Promise<void> {
  const { res } = ctx;
  noteEngine(res, engine.name);
  try {
    await engine.client.stream(upstreamRequest(ctx, engine, opts), (statusCode, upstreamHeaders) => {
      engine.reportSuccess();
      res.writeHead(statusCode, { ...baseHeaders(), ...responseHeaders(upstreamHeaders) });
      // A streamed answer (no length: wait, logs -f, stats…) has its headers sent at once: `docker run`
      // waits for the /wait headers before it starts the container. A sized one goes out with its body.
      if (upstreamHeaders['content-length'] === undefined) res.flushHeaders();
      return res;
    });
  } catch (err) {
    if (!res.headersSent) {
      engine.reportError(err);
      throw err;
    }
    res.destroy();
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
  noteEngine(ctx.res, engine.name);
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
