// Container endpoints that need the cluster view: list, create (scheduled), inspect, rename, remove, prune.
import { CONTAINER_CREATE, hasConfig } from '../../docker/api-bodies.js';
import { boolValue } from '../../docker/filters.js';
import type { Engine } from '../../engine/engine.js';
import type { ContainerSummary } from '../../engine/types.js';
import { ApiError } from '../../errors.js';
import { nameOwner } from '../../pool/lookup.js';
import { pendingName } from '../../scheduler/request.js';
import { createContainer } from '../../placement/create-container.js';
import { NAME_LABELS, withClusterDns, withHeldAliases } from '../../docker/dns-body.js';
import { readGoBody } from '../body.js';
import { entryJson } from '../container-json.js';
import { listContainers, parseListQuery, selectContainers } from '../container-list.js';
import { sendJsonArray } from '../json-array.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { exchange, sendExchange } from '../proxy.js';
import { appendJsonKey } from '../json-split.js';
import { sendJson, sendJsonText } from '../respond.js';
import { containerPath, locate } from './locate.js';

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function nameConflict(name: string, id: string): ApiError {
  return ApiError.conflict(
    `Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
  );
}

/** Names are unique across the cluster: taken on any engine, or by a create still in flight. */
function assertNameFree(deps: ApiDeps, name: string): void {
  const owner = nameOwner(deps.pool, name);
  if (owner === 'pending') throw nameConflict(name, '(being created)');
  if (owner) throw nameConflict(name, owner.id);
}

export async function list(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const q = parseListQuery(ctx.query);
  if (!boolValue(ctx.query.get('size'))) {
    const now = Date.now();
    const rows = selectContainers(deps.pool, q);
    await sendJsonArray(
      ctx.res,
      200,
      mapIterable(rows, (r) => entryJson(r.engine, r.c, now)),
    );
    return;
  }
  const rows = listContainers(deps.pool, q);
  await addSizes(rows);
  sendJson(
    ctx.res,
    200,
    rows.map((r) => r.entry),
  );
}

function* mapIterable<T, U>(items: readonly T[], fn: (item: T) => U): Iterable<U> {
  for (const item of items) yield fn(item);
}

/**
 * `ps -s`: sizes are computed by the engines (a disk walk), so only for this request and only from the
 * engines that hold the listed containers.
 */
async function addSizes(rows: ReturnType<typeof listContainers>): Promise<void> {
  const byEngine = new Map<Engine, ContainerSummary[]>();
  for (const r of rows) byEngine.set(r.engine, [...(byEngine.get(r.engine) ?? []), r.entry]);
  await Promise.all(
    [...byEngine].map(async ([engine, entries]) => {
      if (!engine.isHealthy) return;
      const sized = await engine.ops.containerSizes(entries.map((e) => e.Id));
      const byId = new Map(sized.map((x) => [x.Id, x]));
      for (const e of entries) {
        const s = byId.get(e.Id);
        if (s) {
          e.SizeRw = s.SizeRw;
          e.SizeRootFs = s.SizeRootFs;
        }
      }
    }),
  );
}

export async function create(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const name = (ctx.query.get('name') ?? '').replace(/^\//, '');
  const body = (await readGoBody(ctx.req, CONTAINER_CREATE, 'EOF')) as Record<string, unknown> | null;
  if (!body || !hasConfig(body))
    throw ApiError.invalid('Config cannot be empty in order to create a container');
  if (name !== '' && !VALID_NAME.test(name)) {
    throw ApiError.invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  if (name) assertNameFree(deps, name);
  const auth = ctx.req.headers['x-registry-auth'];
  const created = await createContainer(deps.placer, {
    name,
    body: withClusterDns(body, deps.dns?.resolvers() ?? []),
    query: { platform: ctx.query.get('platform') ?? undefined },
    version: ctx.version,
    headers: typeof auth === 'string' ? { 'x-registry-auth': auth } : {},
  });
  // The engine's answer, with what Shoal ignored added to its warnings (the CLI prints them).
  sendJson(ctx.res, created.status, { Id: created.id, Warnings: created.warnings });
}

export async function inspect(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const loc = locate(deps.pool, param(ctx, 'id'));
  const { engine } = loc;
  if (!engine.isHealthy) {
    throw ApiError.unavailable(`Container ${param(ctx, 'id')} running on unhealthy node ${engine.name}`);
  }
  const answer = await exchange(ctx, engine, { path: containerPath(loc, '/json') });
  const text = answer.body.toString('utf8');
  const node = {
    ID: engine.id,
    IP: engine.ip,
    Addr: engine.addr,
    Name: engine.name,
    Cpus: engine.specs?.cpus ?? 0,
    Memory: engine.specs?.memory ?? 0,
    Labels: engine.specs?.labels ?? {},
  };
  // Without port bindings or a Compose service (held aliases), the engine's text only gains Node.
  const untouched =
    !text.includes('"HostIp"') && !(deps.dns && text.includes(`"${NAME_LABELS.composeService}"`));
  const spliced = untouched ? appendJsonKey(text, 'Node', node) : undefined;
  if (spliced !== undefined) {
    sendJsonText(ctx.res, 200, spliced + '\n');
    return;
  }
  const obj = JSON.parse(text) as Record<string, unknown>;
  rewritePortIps(obj, engine.ip);
  if (deps.dns) withHeldAliases(obj);
  obj['Node'] = node;
  sendJson(ctx.res, 200, obj);
}

/** Published ports bound to all interfaces are shown at the engine's address, where they can be reached. */
function rewritePortIps(obj: Record<string, unknown>, ip: string): void {
  const ports = (
    obj['NetworkSettings'] as { Ports?: Record<string, { HostIp?: string }[] | null> } | undefined
  )?.Ports;
  for (const [port, list] of Object.entries(ports ?? {})) {
    if (!list || !ports) continue;
    const seen = new Set<string>();
    ports[port] = list.filter((b) => {
      if (b.HostIp === '0.0.0.0' || b.HostIp === '' || b.HostIp === '::') b.HostIp = ip;
      const key = JSON.stringify(b);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}

export async function remove(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const loc = locate(deps.pool, param(ctx, 'id'));
  const answer = await exchange(ctx, loc.engine, { path: containerPath(loc) });
  loc.engine.containers.remove(loc.container.id, loc.engine.containers.nextSeq());
  sendExchange(ctx, answer);
}

export async function rename(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const loc = locate(deps.pool, param(ctx, 'id'));
  const name = (ctx.query.get('name') ?? '').replace(/^\//, '');
  if (name !== '' && name !== loc.container.name) assertNameFree(deps, name);
  const release = name
    ? deps.pool.reservations.reserve({ name, engineAddr: loc.engine.addr, container: pendingName(name) })
    : () => undefined;
  try {
    const answer = await exchange(ctx, loc.engine, { path: containerPath(loc, '/rename') });
    await loc.engine.settleContainer(loc.container.id);
    sendExchange(ctx, answer);
  } finally {
    release();
  }
}

/** POST /containers/prune: on every healthy engine, results merged. */
export async function prune(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const results = await Promise.all(
    deps.pool.healthy().map(async (engine) => {
      const a = await exchange(ctx, engine, { body: '' });
      return JSON.parse(a.body.toString('utf8')) as {
        ContainersDeleted?: string[] | null;
        SpaceReclaimed?: number;
      };
    }),
  );
  const deleted = results.flatMap((r) => r.ContainersDeleted ?? []);
  sendJson(ctx.res, 200, {
    ContainersDeleted: deleted.length > 0 ? deleted : null,
    SpaceReclaimed: results.reduce((n, r) => n + (r.SpaceReclaimed ?? 0), 0),
  });
}
