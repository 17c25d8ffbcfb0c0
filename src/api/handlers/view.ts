// The cluster view at /shoal/: its page, the state it shows (JSON) and its live updates (Server-Sent Events).
import { ApiError } from '../../errors.js';
import { viewAsset } from '../../view/assets.js';
import { clusterState } from '../../view/state.js';
import { streamChanges } from '../../view/stream.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { sendJson } from '../respond.js';

/** The page loads only its own files and talks only to this server. */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

function sendAsset(ctx: RequestContext, name: string): void {
  const asset = viewAsset(name);
  if (!asset) throw ApiError.notFound('page not found');
  ctx.res.writeHead(200, {
    ...PAGE_HEADERS,
    'Content-Type': asset.contentType,
    'Content-Length': asset.body.length,
  });
  ctx.res.end(ctx.method === 'HEAD' ? undefined : asset.body);
}

export function redirect(_deps: ApiDeps, ctx: RequestContext): void {
  ctx.res.writeHead(301, { Location: '/shoal/', 'Content-Length': 0 }).end();
}

export function page(_deps: ApiDeps, ctx: RequestContext): void {
  sendAsset(ctx, 'index.html');
}

export function file(_deps: ApiDeps, ctx: RequestContext): void {
  sendAsset(ctx, param(ctx, 'file'));
}

export function state(deps: ApiDeps, ctx: RequestContext): void {
  sendJson(
    ctx.res,
    200,
    clusterState({
      pool: deps.pool,
      decisions: deps.placer.decisions,
      services: deps.services.records,
      strategy: deps.strategyName,
      filters: deps.filterNames,
      role: () => deps.role(),
    }),
  );
}

export function events(deps: ApiDeps, ctx: RequestContext): void {
  streamChanges({ hub: deps.hub, decisions: deps.placer.decisions }, ctx.res);
}
