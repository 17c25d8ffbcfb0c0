// Image endpoints across the pool: list (merged), inspect/history/push/save from an engine that has the
// image, tag and remove on every engine that has it, commit on the container's engine.
import { matchesImage } from '../../docker/image-ref.js';
import type { Engine } from '../../engine/engine.js';
import { kindOfEngineError } from '../../engine/errors.js';
import { ApiError } from '../../errors.js';
import type { Pool } from '../../pool/pool.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { listImages } from '../image-list.js';
import { exchange, forward, sendExchange } from '../proxy.js';
import { sendJson } from '../respond.js';
import { locate } from './locate.js';

/** The healthy engines whose image cache has this reference (ID, prefix, name[:tag] or digest). */
export function enginesWithImage(pool: Pool, ref: string): Engine[] {
  return pool.healthy().filter((e) => e.lists.images.some((img) => matchesImage(img, ref)));
}

function noSuchImage(ref: string): ApiError {
  return ApiError.notFound(`No such image: ${ref}`);
}

export function list(deps: ApiDeps, ctx: RequestContext): void {
  sendJson(ctx.res, 200, listImages(deps.pool.healthy(), ctx.query));
}

/** POST /images/{name}/push?tag=…: from an engine that has the tag (or, without one, any tag of the repo). */
export async function push(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const name = param(ctx, 'name');
  const tag = ctx.query.get('tag') ?? '';
  const ref = tag ? `${name}:${tag}` : name;
  const engine =
    enginesWithImage(deps.pool, ref)[0] ??
    (tag
      ? undefined
      : deps.pool
          .healthy()
          .find((e) => e.lists.images.some((i) => (i.RepoTags ?? []).some((t) => t.startsWith(`${name}:`)))));
  if (!engine) throw noSuchImage(ref);
  await forward(ctx, engine, { path: `/images/${encodeURIComponent(name)}/push` });
}

/** GET /images/{name}/json, /history, /get: asked of an engine that has the image. */
export function imagePassthrough(suffix: string) {
  return async (deps: ApiDeps, ctx: RequestContext): Promise<void> => {
    const name = param(ctx, 'name');
    const engine = enginesWithImage(deps.pool, name)[0];
    if (!engine) throw noSuchImage(name);
    await forward(ctx, engine, { path: `/images/${encodeURIComponent(name)}${suffix}` });
  };
}

/** GET /images/get?names=…: one engine must hold every image named. */
export async function save(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const names = ctx.query.getAll('names');
  const engine = deps.pool
    .healthy()
    .find((e) => names.every((n) => e.lists.images.some((i) => matchesImage(i, n))));
  if (!engine)
    throw ApiError.notFound(`Unable to find a healthy engine containing all images: [${names.join(' ')}]`);
  await forward(ctx, engine);
}

/** POST /images/{name}/tag: on every engine that has the image. */
export async function tag(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const name = param(ctx, 'name');
  const engines = enginesWithImage(deps.pool, name);
  if (engines.length === 0) throw noSuchImage(name);
  const answers = await Promise.all(
    engines.map((e) => exchange(ctx, e, { path: `/images/${encodeURIComponent(name)}/tag`, body: '' })),
  );
  await Promise.all(engines.map((e) => e.lists.update('images')));
  sendExchange(ctx, answers[0] ?? { status: 201, headers: {}, body: Buffer.alloc(0) });
}

/** DELETE /images/{name}: on every engine that has it; the per-engine answers are concatenated. */
export async function remove(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const name = param(ctx, 'name');
  const engines = enginesWithImage(deps.pool, name);
  if (engines.length === 0) throw noSuchImage(name);
  const results = await Promise.allSettled(
    engines.map((e) => exchange(ctx, e, { path: `/images/${encodeURIComponent(name)}`, body: '' })),
  );
  await Promise.all(engines.map((e) => e.lists.update('images')));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ engine: engines[i] as Engine, err: r.reason as unknown }] : [],
  );
  if (failures.length === results.length) throw failures[0]?.err;
  if (failures.length > 0) {
    const first = failures[0]?.err;
    const text = failures.map((f) => `${f.engine.name}: ${(f.err as Error).message}`).join('; ');
    throw kindOfEngineError(first) === 'conflict' ? ApiError.conflict(text) : ApiError.internal(text);
  }
  const items = results.flatMap((r) =>
    r.status === 'fulfilled' ? (JSON.parse(r.value.body.toString('utf8')) as unknown[]) : [],
  );
  sendJson(ctx.res, 200, items);
}

/** POST /commit?container=…: on the container's engine; the new image is then in that engine's cache. */
export async function commit(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const ref = ctx.query.get('container') ?? '';
  const loc = locate(deps.pool, ref);
  const query = new URLSearchParams(ctx.rawQuery);
  query.set('container', loc.container.id);
  const answer = await exchange(ctx, loc.engine, { path: '/commit', query: query.toString() });
  await loc.engine.lists.update('images');
  sendExchange(ctx, answer);
}

/** Asked of any healthy engine: registry lookups and login do not depend on which. */
export async function anyEngine(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const engines = deps.pool.healthy();
  const engine = engines[Math.floor(deps.placer.settings.rng() * engines.length)];
  if (!engine) throw ApiError.unavailable('No healthy node available in the cluster');
  await forward(ctx, engine);
}

/** POST /images/prune: on every healthy engine, results merged. */
export async function prune(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const results = await Promise.all(
    deps.pool.healthy().map(async (engine) => {
      const a = await exchange(ctx, engine, { body: '' });
      await engine.lists.update('images');
      return JSON.parse(a.body.toString('utf8')) as {
        ImagesDeleted?: unknown[] | null;
        SpaceReclaimed?: number;
      };
    }),
  );
  const deleted = results.flatMap((r) => r.ImagesDeleted ?? []);
  sendJson(ctx.res, 200, {
    ImagesDeleted: deleted.length ? deleted : null,
    SpaceReclaimed: results.reduce((n, r) => n + (r.SpaceReclaimed ?? 0), 0),
  });
}
