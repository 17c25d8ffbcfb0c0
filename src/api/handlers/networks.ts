// Network endpoints: cluster networks (one name, a part on every engine) and each engine's own networks
// (built-ins and `<node>/<name>` ones, listed as `<node>/<name>`).
import { NETWORK_CONNECT, NETWORK_CREATE, NETWORK_DISCONNECT } from '../../docker/api-bodies.js';
import { FilterArgs } from '../../docker/filters.js';
import { stringifyJson } from '../../docker/json-text.js';
import type { Engine } from '../../engine/engine.js';
import type { NetworkSummary } from '../../engine/resource-lists.js';
import { ApiError } from '../../errors.js';
import {
  BUILTIN_NETWORKS,
  clusterNetworks,
  findNetwork,
  type ClusterNetwork,
} from '../../networks/cluster-networks.js';
import { createClusterNetwork } from '../../networks/create.js';
import { NAME_LABELS, withoutAlias } from '../../docker/dns-body.js';
import type { CachedContainer } from '../../engine/types.js';
import { forgetPruned, removeClusterNetwork } from '../../networks/remove.js';
import type { NetworkSpec } from '../../networks/spec.js';
import { EOF_BODY, readGoBody } from '../body.js';
import { param, type RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { exchange, forward, sendExchange } from '../proxy.js';
import { sendEmpty, sendJson } from '../respond.js';
import { locate } from './locate.js';

const NETWORK_FILTERS = ['name', 'id', 'label', 'driver', 'type', 'scope', 'node', 'dangling'];

function notFound(ref: string): ApiError {
  return ApiError.notFound(`network ${ref} not found`);
}

/** A cluster network as one network: the first part's settings, the cluster ID, every part's subnet. */
function clusterView(c: ClusterNetwork, containers: Record<string, unknown> = {}): Record<string, unknown> {
  const first = [...c.parts.values()][0] as NetworkSummary;
  const configs = [...c.parts.values()].flatMap((p) => p.IPAM?.Config ?? []);
  return {
    ...first,
    Id: c.id,
    Name: c.name,
    Scope: 'global',
    IPAM: { ...(first.IPAM ?? {}), Config: configs },
    Containers: containers,
  };
}

function matches(f: FilterArgs, n: Record<string, unknown>, engine: Engine | undefined): boolean {
  const name = String(n['Name']);
  const bare = engine ? name.slice(engine.name.length + 1) : name;
  const builtin = engine !== undefined && BUILTIN_NETWORKS.has(bare);
  return (
    (f.match('name', name) || f.match('name', bare)) &&
    f.fuzzyMatch('id', String(n['Id'])) &&
    f.matchKVList('label', n['Labels'] as Record<string, string>) &&
    f.exactMatch('driver', String(n['Driver'])) &&
    f.exactMatch('scope', String(n['Scope'])) &&
    (!f.has('type') || f.values('type').some((t) => (t === 'builtin') === builtin)) &&
    (!f.has('node') ||
      (engine !== undefined && (f.match('node', engine.name) || f.exactMatch('node', engine.id))))
  );
}

export function list(deps: ApiDeps, ctx: RequestContext): void {
  const f = FilterArgs.parse(ctx.query.get('filters'));
  f.validate(NETWORK_FILTERS);
  for (const t of f.values('type'))
    if (t !== 'custom' && t !== 'builtin') throw ApiError.invalid(`invalid filter: 'type'='${t}'`);
  const out: Record<string, unknown>[] = [];
  for (const c of clusterNetworks(deps.pool).values()) {
    const view = clusterView(c);
    if (matches(f, view, undefined)) out.push(view);
  }
  for (const engine of deps.pool.healthy()) {
    for (const n of engine.lists.networks) {
      if (n.Labels?.['com.docker.shoal.network.id']) continue;
      const view = { ...n, Name: `${engine.name}/${n.Name}` };
      if (matches(f, view, engine)) out.push(view);
    }
  }
  sendJson(ctx.res, 200, out);
}

async function inspectParts(c: ClusterNetwork): Promise<Record<string, unknown>> {
  const answers = await Promise.all(
    [...c.parts].map(([engine, part]) =>
      engine.ops.inspectNetwork(part.Id).catch(() => ({ Containers: {} })),
    ),
  );
  const containers: Record<string, unknown> = {};
  for (const a of answers) Object.assign(containers, a.Containers ?? {});
  return containers;
}

export async function inspect(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const ref = param(ctx, 'id');
  const found = findNetwork(deps.pool, ref);
  if (!found) throw notFound(ref);
  if (found.kind === 'local') {
    await forward(ctx, found.engine, { path: `/networks/${found.network.Id}` });
    return;
  }
  sendJson(ctx.res, 200, clusterView(found.network, await inspectParts(found.network)));
}

export async function create(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const body = (await readGoBody(ctx.req, NETWORK_CREATE, EOF_BODY)) as
    (NetworkSpec & Record<string, unknown>) | null;
  if (!body || typeof body.Name !== 'string' || body.Name === '')
    throw ApiError.invalid('network name cannot be empty');
  const slash = body.Name.indexOf('/');
  if (slash > 0) {
    // `<node>/<name>`: a network of that one engine.
    const engine = deps.pool.engine(body.Name.slice(0, slash));
    if (!engine) throw ApiError.notFound(`No such node: ${body.Name.slice(0, slash)}`);
    const answer = await exchange(ctx, engine, {
      body: stringifyJson({ ...body, Name: body.Name.slice(slash + 1) }),
    });
    await engine.lists.update('networks');
    sendExchange(ctx, answer);
    return;
  }
  const taken =
    [...clusterNetworks(deps.pool).values()].some((c) => c.name === body.Name) ||
    deps.pool.healthy().some((e) => e.lists.networks.some((n) => n.Name === body.Name));
  if (taken) throw ApiError.conflict(`network with name ${body.Name} already exists`);
  sendJson(ctx.res, 201, await createClusterNetwork(deps, body));
}

export async function remove(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const ref = param(ctx, 'id');
  const found = findNetwork(deps.pool, ref);
  if (!found) throw notFound(ref);
  if (found.kind === 'local') {
    const answer = await exchange(ctx, found.engine, { path: `/networks/${found.network.Id}` });
    await found.engine.lists.update('networks');
    sendExchange(ctx, answer);
    return;
  }
  const c = found.network;
  let attached = Object.keys(await inspectParts(c));
  // `docker stack rm` removes the services, then their networks at once: the tasks of a service that is
  // gone go now (they were going anyway), as swarm mode lets such a network go.
  if (attached.length > 0 && (await deps.services.releaseContainers(attached)) > 0)
    attached = Object.keys(await inspectParts(c));
  if (attached.length > 0) {
    throw new ApiError(
      'forbidden',
      `error while removing network: network ${c.name} id ${c.id} has active endpoints`,
    );
  }
  await removeClusterNetwork(deps, c);
  sendEmpty(ctx.res, 204);
}

/** connect / disconnect: on the container's engine, to that engine's part of the network. */
export function attach(op: 'connect' | 'disconnect') {
  return async (deps: ApiDeps, ctx: RequestContext): Promise<void> => {
    const ref = param(ctx, 'id');
    const type = op === 'connect' ? NETWORK_CONNECT : NETWORK_DISCONNECT;
    const body = ((await readGoBody(ctx.req, type, EOF_BODY)) ?? {}) as Record<string, unknown>;
    if (typeof body['Container'] !== 'string' || body['Container'] === '')
      throw ApiError.invalid(`invalid name or ID supplied: ""`);
    const loc = locate(deps.pool, body['Container']);
    const found = findNetwork(deps.pool, ref);
    if (!found) throw notFound(ref);
    const part =
      found.kind === 'cluster'
        ? found.network.parts.get(loc.engine)
        : found.engine === loc.engine
          ? found.network
          : undefined;
    if (!part) {
      throw ApiError.invalid(
        `network ${ref} is not on ${loc.engine.name}, where container ${body['Container']} runs`,
      );
    }
    const answer = await exchange(ctx, loc.engine, {
      path: `/networks/${part.Id}/${op}`,
      body: stringifyJson({ ...heldBack(deps, loc.container, body), Container: loc.container.id }),
    });
    await loc.engine.settleContainer(loc.container.id);
    sendExchange(ctx, answer);
  };
}

/** With the embedded DNS, a Compose container's service alias stays with Shoal (see docker/dns-body.ts). */
function heldBack(deps: ApiDeps, c: CachedContainer, body: Record<string, unknown>): Record<string, unknown> {
  const service = c.detail.Config.Labels?.[NAME_LABELS.composeService];
  const ep = body['EndpointConfig'];
  if (!deps.dns || !service || ep === null || typeof ep !== 'object') return body;
  return { ...body, EndpointConfig: withoutAlias(ep as Record<string, unknown>, service) };
}

/** POST /networks/prune: on every healthy engine, merged. */
export async function prune(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const results = await Promise.all(
    deps.pool.healthy().map(async (engine) => {
      const a = await exchange(ctx, engine, { body: '' });
      await engine.lists.update('networks');
      return JSON.parse(a.body.toString('utf8')) as { NetworksDeleted?: string[] | null };
    }),
  );
  await forgetPruned(deps);
  const deleted = [...new Set(results.flatMap((r) => r.NetworksDeleted ?? []))];
  sendJson(ctx.res, 200, { NetworksDeleted: deleted.length ? deleted : null });
}
