// Creating a container in the cluster: schedule, claim, create on the chosen engine, and retry as classic
// did (with image affinity when the chosen engine lacks the image, then up to swarm.createretry times).
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { isConnectionError } from '../engine/connection-errors.js';
import { ApiError, EngineHttpError } from '../errors.js';
import { log } from '../log.js';
import { parseExpr, type Expr } from '../scheduler/expr.js';
import { pendingContainer, placementRequest } from '../scheduler/request.js';
import { schedule, type Scheduler } from '../scheduler/schedule.js';
import { extractSwarmConfig, SwarmConfigError, type SwarmConfig } from '../scheduler/swarm-config.js';
import { resolveNetworks } from './network-refs.js';
import { osConstraint } from './os-type.js';
import type { Pool } from './pool.js';

export interface Placer {
  readonly pool: Pool;
  readonly scheduler: Scheduler;
  readonly overcommit: number;
  readonly createRetry: number;
  readonly rng: () => number;
}

export interface CreateRequest {
  name: string;
  body: Record<string, unknown>;
  /** Query string to pass on (platform…), without name. */
  query: Record<string, string | undefined>;
  /** The client's API version ("" for the engine default). */
  version: string;
  /** Headers to pass on (X-Registry-Auth). */
  headers: Record<string, string>;
}

export interface Created {
  engine: Engine;
  id: string;
  status: number;
  body: Buffer;
}

export function newSwarmId(): string {
  return randomBytes(32).toString('hex');
}

const NO_SUCH_IMAGE = /no such image|image \S* not found|repository \S* not found|repository does not exist/i;

/** A hard `node==` constraint pins the container: classic never retried those elsewhere. */
function pinned(swarm: SwarmConfig): boolean {
  return swarm.constraints.some((e) => e.key === 'node' && e.op === '==' && !e.soft);
}

/** Classic's -c means CPUs: the engine gets the share of its CPUs that many CPUs is (1024 = all). */
function forEngine(body: Record<string, unknown>, engine: Engine): Record<string, unknown> {
  const hc = body['HostConfig'] as Record<string, unknown> | undefined;
  const shares = typeof hc?.['CpuShares'] === 'number' ? hc['CpuShares'] : 0;
  const nano = typeof hc?.['NanoCpus'] === 'number' ? hc['NanoCpus'] : 0;
  const cpus = engine.specs?.cpus ?? 0;
  if (!hc || shares <= 0 || nano > 0 || cpus <= 0) return body;
  return { ...body, HostConfig: { ...hc, CpuShares: Math.ceil((shares * 1024) / cpus) } };
}

export async function createContainer(placer: Placer, create: CreateRequest): Promise<Created> {
  const { pool } = placer;
  let swarm: SwarmConfig;
  try {
    swarm = extractSwarmConfig(create.body, newSwarmId);
  } catch (err) {
    if (err instanceof SwarmConfigError) throw ApiError.invalid(err.message);
    throw err;
  }
  const extraConstraints: Expr[] = [];
  const extraAffinities: Expr[] = [];
  const os = await osConstraint(pool, swarm, create.body);
  if (os) extraConstraints.push(os);
  const onNetwork = resolveNetworks(pool, create.body);
  if (onNetwork) extraConstraints.push(onNetwork);
  let retries = 0;
  let imageRetried = false;
  let pulled = false;
  /** Engines a create already failed on: a retry goes elsewhere when it can (soft, so a pool of one still retries). */
  const failed = new Set<string>();
  for (;;) {
    const avoid = [...failed].map((id) => parseExpr(`node!=~${id}`));
    const req = placementRequest(create.name, create.body, {
      ...swarm,
      constraints: [...swarm.constraints, ...extraConstraints, ...avoid],
      affinities: [...swarm.affinities, ...extraAffinities],
    });
    // Snapshot, decide and claim in one synchronous block: concurrent creates see each other's claims.
    const decision = schedule(placer.scheduler, pool.snapshot(), req, {
      rng: placer.rng,
      overcommit: placer.overcommit,
    });
    if (!decision.ok) throw ApiError.unavailable(decision.message);
    const engine = pool.engine(decision.node.addr);
    if (!engine) throw ApiError.unavailable(`engine ${decision.node.addr} left the cluster`);
    const release = pool.reservations.reserve({
      name: create.name,
      engineAddr: engine.addr,
      container: pendingContainer(req),
    });
    try {
      const created = await createOn(engine, create);
      return created;
    } catch (err) {
      const image = typeof create.body['Image'] === 'string' ? create.body['Image'] : '';
      if (
        !imageRetried &&
        err instanceof EngineHttpError &&
        err.status === 404 &&
        NO_SUCH_IMAGE.test(err.message) &&
        !pinned(swarm)
      ) {
        imageRetried = true;
        if (pool.healthy().some((e) => e !== engine && hasImage(e, image))) {
          // Not written to the labels: it holds for this placement only (classic did the same).
          extraAffinities.push(parseExpr(`image==${image}`));
          log.info(`Image ${image} is not on ${engine.name}; retrying with image affinity`);
          continue;
        }
      }
      // No engine has it: pull it on the chosen one, with the client's credentials, and create again.
      if (
        !pulled &&
        err instanceof EngineHttpError &&
        err.status === 404 &&
        NO_SUCH_IMAGE.test(err.message) &&
        image
      ) {
        pulled = true;
        if (await pullOn(engine, image, create.headers)) {
          failed.clear();
          extraConstraints.push(parseExpr(`node==${engine.name}`));
          continue;
        }
      }
      if (
        retries < placer.createRetry &&
        (isConnectionError(err) || (err instanceof EngineHttpError && err.status >= 500))
      ) {
        retries++;
        failed.add(engine.name);
        log.warn(
          `Create on ${engine.name} failed (${(err as Error).message}); retry ${retries} of ${placer.createRetry}`,
        );
        continue;
      }
      throw err;
    } finally {
      release();
    }
  }
}

/** Pulls an image on one engine; true when it arrived. */
async function pullOn(engine: Engine, image: string, headers: Record<string, string>): Promise<boolean> {
  const at = image.lastIndexOf('@');
  const colon = image.lastIndexOf(':');
  const [fromImage, tag] =
    at > 0
      ? [image.slice(0, at), image.slice(at + 1)]
      : colon > image.lastIndexOf('/')
        ? [image.slice(0, colon), image.slice(colon + 1)]
        : [image, 'latest'];
  try {
    log.info(`Pulling ${image} on ${engine.name} for a create`);
    const res = await engine.client.request({
      method: 'POST',
      path: '/images/create',
      query: { fromImage, tag },
      headers: headers['x-registry-auth'] ? { 'x-registry-auth': headers['x-registry-auth'] } : {},
      headersTimeout: 0,
    });
    const text = await res.body.text();
    await engine.lists.refresh('images').catch(() => undefined);
    return res.statusCode < 400 && !text.includes('"error"');
  } catch (err) {
    engine.reportError(err);
    return false;
  }
}

function hasImage(engine: Engine, image: string): boolean {
  const want = image.includes(':') || image.includes('@') ? image : `${image}:latest`;
  return engine.lists.images.some((i) => i.Id === image || (i.RepoTags ?? []).includes(want));
}

async function createOn(engine: Engine, create: CreateRequest): Promise<Created> {
  const query: Record<string, string | undefined> = { ...create.query, name: create.name || undefined };
  let res;
  try {
    res = await engine.client.request({
      method: 'POST',
      path: '/containers/create',
      query,
      version: engine.versionFor(create.version),
      headers: { ...create.headers, 'content-type': 'application/json' },
      body: JSON.stringify(forEngine(create.body, engine)),
      headersTimeout: 0,
    });
  } catch (err) {
    engine.reportError(err);
    throw err;
  }
  engine.reportSuccess();
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode >= 400) {
    const ct = res.headers['content-type'];
    throw new EngineHttpError(res.statusCode, body, Array.isArray(ct) ? ct[0] : ct);
  }
  const id = (JSON.parse(body.toString('utf8')) as { Id?: string }).Id ?? '';
  // Read-your-writes: the container is in the cache before the client hears about it.
  if (id) await engine.refreshContainer(id).catch(() => undefined);
  return { engine, id, status: res.statusCode, body };
}
