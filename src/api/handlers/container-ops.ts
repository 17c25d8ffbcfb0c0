// Container endpoints routed to the owning engine: state changes (cache refreshed before answering) and
// streams (logs, stats, wait, archive, export…) passed through as they flow.
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { exchange, forward, sendExchange } from '../proxy.js';
import { containerPath, locate } from './locate.js';

/** start, stop, restart, kill, pause, unpause, update: the next `docker ps` already shows the change. */
export function changeState(suffix: string) {
  return async (deps: ApiDeps, ctx: RequestContext): Promise<void> => {
    const loc = locate(deps.pool, param(ctx, 'id'));
    const answer = await exchange(ctx, loc.engine, { path: containerPath(loc, suffix) });
    await loc.engine.settleContainer(loc.container.id);
    sendExchange(ctx, answer);
  };
}

/** Everything else about one container streams straight through. */
export function passthrough(suffix: string) {
  return async (deps: ApiDeps, ctx: RequestContext): Promise<void> => {
    const loc = locate(deps.pool, param(ctx, 'id'));
    await forward(ctx, loc.engine, { path: containerPath(loc, suffix) });
  };
}

/** POST /containers/{id}/exec: the new exec ID is remembered so later exec calls find their engine. */
export async function execCreate(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const loc = locate(deps.pool, param(ctx, 'id'));
  const answer = await exchange(ctx, loc.engine, { path: containerPath(loc, '/exec') });
  const id = (JSON.parse(answer.body.toString('utf8')) as { Id?: string }).Id;
  if (id) deps.pool.execs.add(id, loc.engine, loc.container.id);
  sendExchange(ctx, answer);
}
