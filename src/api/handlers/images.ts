// Image endpoints answered by an engine that holds the image.
import { matchesImage } from '../../docker/image-ref.js';
import type { Engine } from '../../engine/engine.js';
import { ApiError } from '../../errors.js';
import type { Pool } from '../../pool/pool.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { forward } from '../proxy.js';

/** The healthy engines whose image cache has this reference (ID, prefix, name[:tag] or digest). */
export function enginesWithImage(pool: Pool, ref: string): Engine[] {
  return pool.healthy().filter((e) => e.lists.images.some((img) => matchesImage(img, ref)));
}

/** GET /images/{name}/json and /history: asked of an engine that has the image. */
export function imagePassthrough(suffix: string) {
  return async (deps: ApiDeps, ctx: RequestContext): Promise<void> => {
    const name = param(ctx, 'name');
    const engine = enginesWithImage(deps.pool, name)[0];
    if (!engine) throw ApiError.notFound(`No such image: ${name}`);
    await forward(ctx, engine, { path: `/images/${encodeURIComponent(name)}${suffix}` });
  };
}
