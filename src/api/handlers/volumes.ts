// Volume endpoints: made where placement says (placement/volume.ts), listed per engine as `<node>/<name>`.
import { randomBytes } from 'node:crypto';
import { VOLUME_CREATE } from '../../docker/api-bodies.js';
import { boolValue, FilterArgs } from '../../docker/filters.js';
import { stringifyJson } from '../../docker/json-text.js';
import type { Engine } from '../../engine/engine.js';
import type { VolumeSummary } from '../../engine/resource-lists.js';
import { describe } from '../../engine/connection-errors.js';
import { ApiError } from '../../errors.js';
import { log } from '../../log.js';
import { placeVolume } from '../../placement/volume.js';
import type { Pool } from '../../pool/pool.js';
import { EOF_BODY, readGoBody } from '../body.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { exchange, forward, sendExchange } from '../proxy.js';
import { sendEmpty, sendJson } from '../respond.js';

interface VolumeCreateBody {
  Name?: string | null;
  Labels?: Record<string, string> | null;
}

const VOLUME_FILTERS = ['name', 'driver', 'label', 'dangling', 'node'];

function noSuchVolume(name: string): ApiError {
  return ApiError.notFound(`get ${name}: no such volume`);
}

/** The engines holding a volume: by `<node>/<name>`, or by name on every engine. */
function holders(pool: Pool, ref: string): { engine: Engine; volume: VolumeSummary }[] {
  const slash = ref.indexOf('/');
  if (slash > 0) {
    const engine = pool.engine(ref.slice(0, slash));
    const volume = engine?.lists.volumes.find((v) => v.Name === ref.slice(slash + 1));
    if (engine && volume) return [{ engine, volume }];
  }
  const name = ref.replace(/^\//, '');
  return pool.healthy().flatMap((engine) => {
    const volume = engine.lists.volumes.find((v) => v.Name === name);
    return volume ? [{ engine, volume }] : [];
  });
}

export function list(deps: ApiDeps, ctx: RequestContext): void {
  const f = FilterArgs.parse(ctx.query.get('filters'));
  f.validate(VOLUME_FILTERS);
  const dangling = f.bool('dangling');
  const out: VolumeSummary[] = [];
  for (const engine of deps.pool.healthy()) {
    if (f.has('node') && !f.match('node', engine.name) && !f.exactMatch('node', engine.id)) continue;
    const inUse = new Set<string>();
    if (dangling !== undefined)
      for (const c of engine.containers.values())
        for (const m of c.summary.Mounts ?? []) if (m.Name) inUse.add(m.Name);
    for (const v of engine.lists.volumes) {
      if (!f.match('name', v.Name) || !f.exactMatch('driver', v.Driver)) continue;
      if (!f.matchKVList('label', v['Labels'] as Record<string, string> | null)) continue;
      if (dangling !== undefined && dangling === inUse.has(v.Name)) continue;
      out.push(v.Driver === 'local' ? { ...v, Name: `${engine.name}/${v.Name}` } : v);
    }
  }
  sendJson(ctx.res, 200, { Volumes: out, Warnings: null });
}

export async function inspect(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const ref = param(ctx, 'name');
  const found = holders(deps.pool, ref)[0];
  if (!found) throw noSuchVolume(ref);
  await forward(ctx, found.engine, { path: `/volumes/${encodeURIComponent(found.volume.Name)}` });
}

export async function create(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const body = ((await readGoBody(ctx.req, VOLUME_CREATE, EOF_BODY)) ?? {}) as VolumeCreateBody;
  const requested = body.Name || randomBytes(32).toString('hex');
  const { engines, name } = placeVolume(deps.placer, requested, body.Labels ?? {});
  const payload = stringifyJson({ ...body, Name: name });
  const existed = new Set(holders(deps.pool, name).map((h) => h.engine));
  const results = await Promise.allSettled(engines.map((e) => exchange(ctx, e, { body: payload })));
  await Promise.all(engines.map((e) => e.lists.update('volumes')));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ engine: engines[i] as Engine, err: r.reason as unknown }] : [],
  );
  if (failed.length > 0) {
    // No half-made volume: the engines that made it remove it again (unless it was there before).
    await Promise.all(
      results.map(async (r, i) => {
        const engine = engines[i] as Engine;
        if (r.status === 'fulfilled' && !existed.has(engine)) {
          await engine.ops
            .removeVolume(name)
            .catch((err: unknown) =>
              log.warn(`could not roll back volume ${name} on ${engine.name}: ${describe(err)}`),
            );
        }
      }),
    );
    throw failed[0]?.err;
  }
  const first = results[0];
  if (first?.status === 'fulfilled') sendExchange(ctx, first.value);
}

export async function remove(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const ref = param(ctx, 'name');
  const found = holders(deps.pool, ref);
  // As the engine: removing a volume that is not there succeeds with force.
  if (found.length === 0 && boolValue(ctx.query.get('force'))) return sendEmpty(ctx.res, 204);
  if (found.length === 0) throw noSuchVolume(ref);
  const results = await Promise.allSettled(
    found.map(({ engine, volume }) =>
      exchange(ctx, engine, { path: `/volumes/${encodeURIComponent(volume.Name)}`, body: '' }),
    ),
  );
  await Promise.all(found.map(({ engine }) => engine.lists.update('volumes')));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length > 0) throw failed[0];
  const first = results[0];
  if (first?.status === 'fulfilled') sendExchange(ctx, first.value);
}

/** POST /volumes/prune: on every healthy engine, merged. */
export async function prune(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const results = await Promise.all(
    deps.pool.healthy().map(async (engine) => {
      const a = await exchange(ctx, engine, { body: '' });
      await engine.lists.update('volumes');
      return JSON.parse(a.body.toString('utf8')) as {
        VolumesDeleted?: string[] | null;
        SpaceReclaimed?: number;
      };
    }),
  );
  const deleted = results.flatMap((r) => r.VolumesDeleted ?? []);
  sendJson(ctx.res, 200, {
    VolumesDeleted: deleted.length ? deleted : null,
    SpaceReclaimed: results.reduce((n, r) => n + (r.SpaceReclaimed ?? 0), 0),
  });
}
