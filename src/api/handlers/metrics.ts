// GET /metrics: Prometheus's text format, on the API listeners (same TLS and client-certificate rules).
import { ApiError } from '../../errors.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';

export async function metrics(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  if (!deps.metrics) throw ApiError.notFound('page not found');
  const { contentType, body } = await deps.metrics.scrape();
  ctx.res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  ctx.res.end(ctx.method === 'HEAD' ? undefined : body);
}
