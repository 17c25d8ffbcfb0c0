// Creating a container in the cluster: place it, create it on the chosen engine, and retry as classic did
// (with image affinity when the chosen engine lacks the image, a pull when no engine has it, then up to
// swarm.createretry times elsewhere after an engine failure).
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { isImageId } from '../docker/image-ref.js';
import { isEngineError } from '../engine/errors.js';
import type { ContainerCreated } from '../engine/operations.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';
import { parseExpr, type Expr } from '../scheduler/expr.js';
import { placementRequest } from '../scheduler/request.js';
import { extractSwarmConfig, SwarmConfigError, type SwarmConfig } from '../scheduler/swarm-config.js';
import { resolveNetworks } from './network-refs.js';
import { osConstraint } from './os-type.js';
import type { Placer } from './placer.js';

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

export interface Created extends ContainerCreated {
  engine: Engine;
}

export function newSwarmId(): string {
  return randomBytes(32).toString('hex');
}

/** The swarm settings of a create body (written back into its labels); a bad expression is a 400. */
export function swarmConfigOf(body: Record<string, unknown>, newId: () => string): SwarmConfig {
  try {
    return extractSwarmConfig(body, newId);
  } catch (err) {
    if (err instanceof SwarmConfigError) throw ApiError.invalid(err.message);
    throw err;
  }
}

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

function hasImage(engine: Engine, image: string): boolean {
  const want = image.includes(':') || image.includes('@') ? image : `${image}:latest`;
  return engine.lists.images.some((i) => i.Id === image || (i.RepoTags ?? []).includes(want));
}

/** What one create has tried so far: each retry adds a constraint or an affinity for the next placement. */
class Attempts {
  readonly constraints: Expr[] = [];
  readonly affinities: Expr[] = [];
  /** Engines a create already failed on: a retry goes elsewhere when it can (soft, so a pool of one still retries). */
  readonly failed = new Set<string>();
  retries = 0;
  imageRetried = false;
  pulled = false;

  exprs(swarm: SwarmConfig) {
    const avoid = [...this.failed].map((name) => parseExpr(`node!=~${name}`));
    return {
      constraints: [...swarm.constraints, ...this.constraints, ...avoid],
      affinities: [...swarm.affinities, ...this.affinities],
      whitelists: swarm.whitelists,
    };
  }
}

export async function createContainer(placer: Placer, create: CreateRequest): Promise<Created> {
  const { pool } = placer;
  const swarm = swarmConfigOf(create.body, newSwarmId);
  const tried = new Attempts();
  const os = await osConstraint(pool, swarm, create.body);
  if (os) tried.constraints.push(os);
  const onNetwork = resolveNetworks(pool, create.body);
  if (onNetwork) tried.constraints.push(onNetwork);
  const image = typeof create.body['Image'] === 'string' ? create.body['Image'] : '';
  for (;;) {
    const { engine, release } = placer.place(placementRequest(create.name, create.body, tried.exprs(swarm)));
    try {
      const created = await engine.ops.createContainer({
        name: create.name,
        body: forEngine(create.body, engine),
        query: create.query,
        version: create.version,
        headers: create.headers,
      });
      return { ...created, warnings: [...swarm.warnings, ...created.warnings], engine };
    } catch (err) {
      if (
        !(await retry(placer, tried, { engine, err, image, swarm, auth: create.headers['x-registry-auth'] }))
      )
        throw err;
    } finally {
      release();
    }
  }
}

/** Whether a failed create is tried again, and how (the attempts are changed for the next placement). */
async function retry(
  placer: Placer,
  tried: Attempts,
  f: { engine: Engine; err: unknown; image: string; swarm: SwarmConfig; auth: string | undefined },
): Promise<boolean> {
  const { engine, err, image } = f;
  if (isEngineError(err, 'noSuchImage') && image) {
    if (!tried.imageRetried && !pinned(f.swarm)) {
      tried.imageRetried = true;
      if (placer.pool.healthy().some((e) => e !== engine && hasImage(e, image))) {
        // Not written to the labels: it holds for this placement only (classic did the same).
        tried.affinities.push(parseExpr(`image==${image}`));
        log.info(`Image ${image} is not on ${engine.name}; retrying with image affinity`);
        return true;
      }
    }
    // No engine has it: pull it on the chosen one, with the client's credentials, and create again. An image
    // ID cannot be pulled: the engine's answer stands.
    if (!tried.pulled && !isImageId(image)) {
      tried.pulled = true;
      log.info(`Pulling ${image} on ${engine.name} for a create`);
      const pulled = await engine.ops.pullImage(image, { auth: f.auth }).then(
        () => true,
        (e: unknown) => {
          log.info(`Pull of ${image} on ${engine.name} failed: ${(e as Error).message}`);
          return false;
        },
      );
      if (pulled) {
        tried.failed.clear();
        tried.constraints.push(parseExpr(`node==${engine.name}`));
        return true;
      }
    }
    return false;
  }
  if (tried.retries < placer.settings.createRetry && isEngineError(err, 'unreachable', 'failed')) {
    tried.retries++;
    tried.failed.add(engine.name);
    log.warn(
      `Create on ${engine.name} failed (${(err as Error).message}); retry ${tried.retries} of ${placer.settings.createRetry}`,
    );
    return true;
  }
  return false;
}
