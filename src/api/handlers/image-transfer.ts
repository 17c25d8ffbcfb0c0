// Getting images onto the engines: pull on every engine at once, load and import fanned out. Progress is
// streamed as JSON lines tagged with the node; a final error line says which engines failed.
import type { Engine } from '../../engine/engine.js';
import { describe } from '../../engine/connection-errors.js';
import { ApiError } from '../../errors.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { jsonLines } from '../json-lines.js';
import { spool } from '../upload.js';

type Write = (obj: unknown) => void;

function authOf(ctx: RequestContext): string | undefined {
  const auth = ctx.req.headers['x-registry-auth'];
  return typeof auth === 'string' ? auth : undefined;
}

function healthyOrThrow(deps: ApiDeps): Engine[] {
  const engines = deps.pool.healthy();
  if (engines.length === 0) throw ApiError.unavailable('No healthy node available in the cluster');
  return engines;
}

/** One engine's progress object as a line for the client, tagged with the node (byte counters dropped). */
function relayLine(engine: Engine, write: Write, prefix: string) {
  return (obj: Record<string, unknown>): void => {
    if (obj['progressDetail'] !== undefined && obj['progress'] !== undefined) return; // too chatty × N engines
    const parts = [obj['id'], obj['status'] ?? obj['stream']].filter(
      (x): x is string => typeof x === 'string' && x.trim() !== '',
    );
    if (parts.length > 0) write({ id: engine.name, status: `${prefix}${parts.join(': ').trim()}` });
  };
}

function finish(ctx: RequestContext, write: Write, failures: string[]): void {
  if (failures.length > 0) {
    const message = failures.join('; ');
    write({ errorDetail: { message }, error: message });
  }
  ctx.res.end();
}

/** One call per engine, all at once, relaying progress; each failure becomes a line and the final error. */
async function onEvery(
  ctx: RequestContext,
  engines: readonly Engine[],
  prefix: string,
  call: (engine: Engine, progress: (obj: Record<string, unknown>) => void) => Promise<void>,
): Promise<void> {
  const write = jsonLines(ctx.res);
  const failures: string[] = [];
  await Promise.all(
    engines.map(async (engine) => {
      try {
        await call(engine, relayLine(engine, write, prefix));
      } catch (err) {
        const message = describe(err).trim();
        failures.push(`${engine.name}: ${message}`);
        write({ id: engine.name, status: `${prefix}${message}` });
      }
    }),
  );
  finish(ctx, write, failures);
}

/** POST /images/create?fromImage=…: pull on every healthy engine in parallel, with the client's auth. */
export async function createImage(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  if (ctx.query.get('fromSrc') !== null) return importImage(deps, ctx);
  const engines = healthyOrThrow(deps);
  const ref = `${ctx.query.get('fromImage') ?? ''}${ctx.query.get('tag') ? `:${ctx.query.get('tag') ?? ''}` : ''}`;
  const auth = authOf(ctx);
  await onEvery(ctx, engines, `Pulling ${ref}... : `, (engine, progress) =>
    engine.ops.pullImage(ref, { rawQuery: ctx.rawQuery, version: ctx.version, auth, progress }),
  );
}

/** POST /images/load: the archive goes to every healthy engine. */
export async function loadImages(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const engines = healthyOrThrow(deps);
  const body = await spool(ctx.req);
  try {
    await onEvery(ctx, engines, 'Loading image... : ', (engine, progress) =>
      engine.ops.loadImages(body.open(), body.size, {
        rawQuery: ctx.rawQuery,
        version: ctx.version,
        progress,
      }),
    );
  } finally {
    await body.dispose();
  }
}

/**
 * POST /images/create?fromSrc=…: imported once, on one engine, then copied to the others with save and
 * load, so the image has the same ID everywhere (importing on each engine would give each its own).
 */
async function importImage(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const [first, ...others] = healthyOrThrow(deps);
  if (!first) throw ApiError.unavailable('No healthy node available in the cluster');
  const source = ctx.query.get('fromSrc') === '-' ? await spool(ctx.req) : undefined;
  const write = jsonLines(ctx.res);
  const failures: string[] = [];
  try {
    const progress = (obj: Record<string, unknown>) => {
      if (typeof obj['status'] === 'string') write({ ...obj, id: first.name });
    };
    const imageId = await first.ops
      .importImage(ctx.rawQuery, source && { body: source.open(), size: source.size }, {
        version: ctx.version,
        progress,
      })
      .catch((err: unknown) => {
        failures.push(`${first.name}: ${describe(err)}`);
        return undefined;
      });
    if (imageId === undefined) return;
    if (!imageId) {
      failures.push(`${first.name}: the import gave no image ID`);
      return;
    }
    if (others.length > 0) await copyImage(first, others, imageId, ctx, write, failures);
    write({ status: imageId });
  } finally {
    await source?.dispose();
    finish(ctx, write, failures);
  }
}

async function copyImage(
  from: Engine,
  to: Engine[],
  imageId: string,
  ctx: RequestContext,
  write: Write,
  failures: string[],
): Promise<void> {
  const tags =
    from.lists.images.find((i) => i.Id === imageId)?.RepoTags?.filter((t) => t !== '<none>:<none>') ?? [];
  const archive = await spool(await from.ops.saveImages(tags.length > 0 ? tags : [imageId]));
  try {
    await Promise.all(
      to.map(async (engine) => {
        const progress = relayLine(engine, write, 'Copying image... : ');
        await engine.ops
          .loadImages(archive.open(), archive.size, { rawQuery: 'quiet=1', version: ctx.version, progress })
          .catch((err: unknown) => failures.push(`${engine.name}: ${describe(err)}`));
      }),
    );
  } finally {
    await archive.dispose();
  }
}
