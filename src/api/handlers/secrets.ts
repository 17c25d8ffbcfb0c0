// /secrets and /configs: swarm mode's secrets and configs (src/secrets/), the same five endpoints for each
// kind. A secret's data comes in here and never goes out.
import { FilterArgs } from '../../docker/filters.js';
import { CONFIG_SPEC, SECRET_SPEC } from '../../docker/secret-bodies.js';
import type { DataObjects, SpecBody } from '../../secrets/objects.js';
import type { DataKind } from '../../secrets/types.js';
import { EOF_BODY, readGoBody } from '../body.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { sendEmpty, sendJson } from '../respond.js';

type DepsHandler = (deps: ApiDeps, ctx: RequestContext) => Promise<void> | void;

const objectsOf = (deps: ApiDeps, kind: DataKind): DataObjects =>
  kind === 'secret' ? deps.secrets.secrets : deps.secrets.configs;

async function specOf(ctx: RequestContext, kind: DataKind): Promise<SpecBody> {
  const type = kind === 'secret' ? SECRET_SPEC : CONFIG_SPEC;
  return ((await readGoBody(ctx.req, type, EOF_BODY)) ?? {}) as SpecBody;
}

export function list(kind: DataKind): DepsHandler {
  return (deps, ctx) => {
    sendJson(ctx.res, 200, objectsOf(deps, kind).list(FilterArgs.parse(ctx.query.get('filters'))));
  };
}

export function create(kind: DataKind): DepsHandler {
  return async (deps, ctx) => {
    sendJson(ctx.res, 201, await objectsOf(deps, kind).create(await specOf(ctx, kind)));
  };
}

export function inspect(kind: DataKind): DepsHandler {
  return (deps, ctx) => sendJson(ctx.res, 200, objectsOf(deps, kind).inspect(param(ctx, 'id')));
}

export function update(kind: DataKind): DepsHandler {
  return async (deps, ctx) => {
    const spec = await specOf(ctx, kind);
    await objectsOf(deps, kind).update(param(ctx, 'id'), ctx.query.get('version'), spec);
    sendEmpty(ctx.res, 200);
  };
}

export function remove(kind: DataKind): DepsHandler {
  return async (deps, ctx) => {
    await objectsOf(deps, kind).remove(param(ctx, 'id'));
    sendEmpty(ctx.res, 204);
  };
}
