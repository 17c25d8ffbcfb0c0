// Getting images onto the engines: pull on every engine at once, load and import fanned out. Progress is
// streamed as JSON lines tagged with the node; a final error line says which engines failed.
import type { Engine } from '../../engine/engine.js';
import { describe } from '../../engine/connection-errors.js';
import { EngineHttpError } from '../../engine/errors.js';
import { ApiError } from '../../errors.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { jsonLines, type JsonLines } from '../json-lines.js';
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

function finish(lines: JsonLines, failures: string[]): void {
  if (failures.length > 0) {
    const message = failures.join('; ');
    lines.write({ errorDetail: { message }, error: message });
  }
  lines.end();
}

/** An engine refused the request outright (an error status before any progress), as it does a bad query. */
function refusedOutright(err: unknown): err is EngineHttpError {
  return err instanceof EngineHttpError && !err.inStream;
}

/**
 * One call per engine, all at once, relaying progress; each failure becomes a line and the final error.
 * When every engine refused outright and nothing was sent yet, the client gets that refusal (status and
 * body) as from one engine.
 */
async function onEvery(
  ctx: RequestContext,
  engines: readonly Engine[],
  prefix: string,
  call: (engine: Engine, progress: (obj: Record<string, unknown>) => void) => Promise<void>,
): Promise<void> {
  const lines = jsonLines(ctx.res);
  const write = (obj: unknown) => lines.write(obj);
  const failed: { engine: Engine; err: unknown }[] = [];
  await Promise.all(
    engines.map(async (engine) => {
      try {
        await call(engine, relayLine(engine, write, prefix));
      } catch (err) {
        failed.push({ engine, err });
      }
    }),
  );
  if (!lines.started && failed.length === engines.length && failed.every((f) => refusedOutright(f.err)))
    throw failed[0]?.err;
  const failures = failed.map(({ engine, err }) => {
    const message = describe(err).trim();
    write({ id: engine.name, status: `${prefix}${message}` });
    return `${engine.name}: ${message}`;
  });
  finish(lines, failures);
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
  const lines = jsonLines(ctx.res);
  const write = (obj: unknown) => lines.write(obj);
  const failures: string[] = [];
  let refused: EngineHttpError | undefined;
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
        // Refused outright (a bad source or query): the client gets the engine's answer as it is.
        if (refusedOutright(err) && !lines.started) throw (refused = err);
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
    if (!refused) finish(lines, failures);
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
