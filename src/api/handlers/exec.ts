// /exec/{id}/…: routed to the engine that holds the exec instance.
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { forward } from '../proxy.js';
import { locateExec } from './locate.js';

export function execPassthrough(suffix: string) {
  return async (deps: ApiDeps, ctx: RequestContext): Promise<void> => {
    const exec = await locateExec(deps.pool, param(ctx, 'id'));
    await forward(ctx, exec.engine, { path: `/exec/${exec.id}${suffix}` });
  };
}
