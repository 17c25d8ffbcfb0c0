// /nodes: swarm mode's nodes, one per engine of the pool plus Shoal's manager (src/nodes/).
import { boolValue, FilterArgs } from '../../docker/filters.js';
import { NODE_SPEC } from '../../docker/api-bodies.js';
import { EOF_BODY, readGoBody } from '../body.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { sendEmpty, sendJson } from '../respond.js';

export async function list(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  sendJson(ctx.res, 200, await deps.nodes.list(FilterArgs.parse(ctx.query.get('filters'))));
}

export async function inspect(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  sendJson(ctx.res, 200, await deps.nodes.inspect(param(ctx, 'id')));
}

export async function update(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const body = ((await readGoBody(ctx.req, NODE_SPEC, EOF_BODY)) ?? undefined) as
    Record<string, unknown> | undefined;
  await deps.nodes.update(param(ctx, 'id'), ctx.query.get('version'), body);
  sendEmpty(ctx.res, 200);
}

export async function remove(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  await deps.nodes.remove(param(ctx, 'id'), boolValue(ctx.query.get('force')));
  sendEmpty(ctx.res, 200);
}
