// Getting images onto the engines: pull on every engine at once, load and import fanned out. Progress is
// streamed as JSON lines tagged with the node; a final error line says which engines failed.
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Engine } from '../../engine/engine.js';
import { describe } from '../../engine/connection-errors.js';
import { ApiError } from '../../errors.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { eachLine, streamError } from '../../engine/progress.js';
import { jsonLines } from '../json-lines.js';
import { spool, type Spooled } from '../upload.js';

type Write = (obj: unknown) => void;

function authHeaders(ctx: RequestContext): Record<string, string> {
  const auth = ctx.req.headers['x-registry-auth'];
  return typeof auth === 'string' ? { 'x-registry-auth': auth } : {};
}

function healthyOrThrow(deps: ApiDeps): Engine[] {
  const engines = deps.pool.healthy();
  if (engines.length === 0) throw ApiError.unavailable('No healthy node available in the cluster');
  return engines;
}

/** Relays one engine's progress stream, tagged with the node; resolves with its error, if any. */
async function relay(
  engine: Engine,
  body: Readable,
  write: Write,
  prefix: string,
): Promise<string | undefined> {
  let error: string | undefined;
  await eachLine(body, (obj) => {
    const err = streamError(obj);
    if (err !== undefined) {
      error = err;
      return;
    }
    if (obj['progressDetail'] !== undefined && obj['progress'] !== undefined) return; // byte counters: too chatty × N engines
    const parts = [obj['id'], obj['status'] ?? obj['stream']].filter(
      (x): x is string => typeof x === 'string' && x.trim() !== '',
    );
    if (parts.length > 0) write({ id: engine.name, status: `${prefix}${parts.join(': ').trim()}` });
  });
  return error;
}

function finish(ctx: RequestContext, write: Write, failures: string[]): void {
  if (failures.length > 0) {
    const message = failures.join('; ');
    write({ errorDetail: { message }, error: message });
  }
  ctx.res.end();
}

/** One call per engine, all at once; each engine's outcome becomes a line, failures a final error. */
async function onEvery(
  ctx: RequestContext,
  engines: readonly Engine[],
  prefix: string,
  call: (engine: Engine) => Promise<Dispatcher.ResponseData>,
): Promise<void> {
  const write = jsonLines(ctx.res);
  const failures: string[] = [];
  await Promise.all(
    engines.map(async (engine) => {
      try {
        const res = await call(engine);
        engine.reportSuccess();
        if (res.statusCode >= 400) {
          const text = await res.body.text();
          let message = text;
          try {
            message = (JSON.parse(text) as { message?: string }).message ?? text;
          } catch {
            // plain text
          }
          failures.push(`${engine.name}: ${message.trim()}`);
          write({ id: engine.name, status: `${prefix}${message.trim()}` });
          return;
        }
        const err = await relay(engine, res.body, write, prefix);
        if (err !== undefined) {
          failures.push(`${engine.name}: ${err}`);
          write({ id: engine.name, status: `${prefix}${err}` });
        }
        await engine.lists.update('images');
      } catch (err) {
        engine.reportError(err);
        failures.push(`${engine.name}: ${describe(err)}`);
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
  await onEvery(ctx, engines, `Pulling ${ref}... : `, (engine) =>
    engine.client.request({
      method: 'POST',
      path: '/images/create',
      query: ctx.rawQuery,
      version: engine.versionFor(ctx.version),
      headers: authHeaders(ctx),
      headersTimeout: 0,
    }),
  );
}

function loadInto(
  engine: Engine,
  ctx: RequestContext,
  body: Spooled,
  query = ctx.rawQuery,
): Promise<Dispatcher.ResponseData> {
  return engine.client.request({
    method: 'POST',
    path: '/images/load',
    query,
    version: engine.versionFor(ctx.version),
    headers: { 'content-type': 'application/x-tar', 'content-length': String(body.size) },
    body: body.open(),
    headersTimeout: 0,
  });
}

/** POST /images/load: the archive goes to every healthy engine. */
export async function loadImages(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const engines = healthyOrThrow(deps);
  const body = await spool(ctx.req);
  try {
    await onEvery(ctx, engines, 'Loading image... : ', (engine) => loadInto(engine, ctx, body));
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
    const res = await first.client.request({
      method: 'POST',
      path: '/images/create',
      query: ctx.rawQuery,
      version: first.versionFor(ctx.version),
      headers: source ? { 'content-type': 'application/x-tar', 'content-length': String(source.size) } : {},
      body: source?.open() ?? null,
      headersTimeout: 0,
    });
    let imageId = '';
    let error: string | undefined;
    await eachLine(res.body, (obj) => {
      const err = streamError(obj);
      if (err !== undefined) error = err;
      else if (typeof obj['status'] === 'string') {
        if (/^sha256:[0-9a-f]{64}$/.test(obj['status'])) imageId = obj['status'];
        write({ ...obj, id: first.name });
      }
    });
    if (error !== undefined || res.statusCode >= 400 || !imageId) {
      failures.push(`${first.name}: ${error ?? `import answered ${res.statusCode}`}`);
      return;
    }
    await first.lists.update('images');
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
  const names = tags.length > 0 ? tags : [imageId];
  const saved = await from.client.request({
    method: 'GET',
    path: '/images/get',
    query: names.map((n) => `names=${encodeURIComponent(n)}`).join('&'),
    headersTimeout: 0,
  });
  const archive = await spool(saved.body);
  try {
    await Promise.all(
      to.map(async (engine) => {
        try {
          const res = await loadInto(engine, ctx, archive, 'quiet=1');
          const err = await relay(engine, res.body, write, 'Copying image... : ');
          if (err !== undefined || res.statusCode >= 400)
            failures.push(`${engine.name}: ${err ?? `load answered ${res.statusCode}`}`);
          await engine.lists.update('images');
        } catch (err) {
          failures.push(`${engine.name}: ${describe(err)}`);
        }
      }),
    );
  } finally {
    await archive.dispose();
  }
}
