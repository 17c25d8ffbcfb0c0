// POST /build: the context streams to the engine placement chose; the output streams back.
import { placeBuild } from '../../placement/build.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { forward } from '../proxy.js';

export async function build(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const { engine, release, buildArgs } = placeBuild(deps.placer, ctx.query);
  try {
    const query = new URLSearchParams(ctx.rawQuery);
    if (buildArgs) query.set('buildargs', JSON.stringify(buildArgs));
    await forward(ctx, engine, { path: '/build', query: query.toString() });
    await engine.lists.update('images');
  } finally {
    release();
  }
}
