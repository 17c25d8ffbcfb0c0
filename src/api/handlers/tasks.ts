// /tasks: the tasks of swarm mode's services, and their logs.
import { FilterArgs } from '../../docker/filters.js';
import { objectAt } from '../../services/spec.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { sendJson } from '../respond.js';
import { streamTaskLogs } from '../service-logs.js';

export function list(deps: ApiDeps, ctx: RequestContext): void {
  sendJson(ctx.res, 200, deps.services.api.tasks(FilterArgs.parse(ctx.query.get('filters'))));
}

export function inspect(deps: ApiDeps, ctx: RequestContext): void {
  sendJson(ctx.res, 200, deps.services.api.inspectTask(param(ctx, 'id')));
}

export async function logs(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const task = deps.services.api.findTask(param(ctx, 'id'));
  const { sources, watch } = deps.services.logSources({ taskId: task.ID });
  const tty = objectAt(task.Spec, 'ContainerSpec')?.['TTY'] === true;
  await streamTaskLogs(ctx.req, ctx.res, sources, ctx.query, watch, { tty });
}
