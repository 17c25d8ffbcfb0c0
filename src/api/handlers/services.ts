// /services: swarm mode's services, emulated on the pool's engines (src/services/).
import { boolValue, FilterArgs } from '../../docker/filters.js';
import { SERVICE_SPEC } from '../../docker/swarm-bodies.js';
import { objectAt } from '../../services/spec.js';
import { EOF_BODY, readGoBody } from '../body.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { sendEmpty, sendJson } from '../respond.js';
import { streamTaskLogs } from '../service-logs.js';

type Spec = Record<string, unknown>;

async function specOf(ctx: RequestContext): Promise<Spec> {
  return ((await readGoBody(ctx.req, SERVICE_SPEC, EOF_BODY)) ?? {}) as Spec;
}

export function list(deps: ApiDeps, ctx: RequestContext): void {
  const filters = FilterArgs.parse(ctx.query.get('filters'));
  sendJson(ctx.res, 200, deps.services.api.list(filters, boolValue(ctx.query.get('status'))));
}

export async function create(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  sendJson(ctx.res, 201, await deps.services.api.create(await specOf(ctx)));
}

export function inspect(deps: ApiDeps, ctx: RequestContext): void {
  const insert = boolValue(ctx.query.get('insertDefaults'));
  sendJson(ctx.res, 200, deps.services.api.inspect(param(ctx, 'id'), insert));
}

export async function update(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const spec = await specOf(ctx);
  const answer = await deps.services.api.update(param(ctx, 'id'), ctx.query.get('version'), spec, {
    rollback: ctx.query.get('rollback'),
    registryAuthFrom: ctx.query.get('registryAuthFrom'),
  });
  sendJson(ctx.res, 200, answer);
}

export async function remove(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  await deps.services.api.remove(param(ctx, 'id'));
  sendEmpty(ctx.res, 200);
}

export async function logs(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const service = deps.services.api.find(param(ctx, 'id'));
  const { sources, watch } = deps.services.logSources({ serviceId: service.ID });
  // A TTY service's logs go out raw, as the engine sends them, even before it has a task.
  const tty = objectAt(service.Spec, 'TaskTemplate', 'ContainerSpec')?.['TTY'] === true;
  await streamTaskLogs(ctx.req, ctx.res, sources, ctx.query, watch, { tty });
}
