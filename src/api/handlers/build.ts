// POST /build: the context streams to one engine chosen by the scheduler. `--build-arg constraint:…` and
// `affinity:…` steer it (and are not passed on to the build); the output streams back.
import { ApiError } from '../../errors.js';
import { placementRequest } from '../../scheduler/request.js';
import { schedule } from '../../scheduler/schedule.js';
import { extractSwarmConfig, SwarmConfigError } from '../../scheduler/swarm-config.js';
import type { RequestContext } from '../context.js';
import type { ApiDeps } from '../deps.js';
import { forward } from '../proxy.js';

const SWARM_KEYS = /^(constraint|affinity|whitelist):/;

/** Splits build args into the scheduling expressions (as env entries) and the args for the build. */
export function splitBuildArgs(raw: string | null): {
  env: string[];
  buildArgs: Record<string, string | null>;
} {
  if (!raw) return { env: [], buildArgs: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw ApiError.invalid(`invalid buildargs: ${JSON.stringify(raw)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw ApiError.invalid('invalid buildargs: expected an object');
  const env: string[] = [];
  const buildArgs: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, string | null>)) {
    // `--build-arg constraint:node==x` arrives as key "constraint:node", value "=x".
    if (SWARM_KEYS.test(k)) env.push(v === null ? k : `${k}=${v}`);
    else buildArgs[k] = v;
  }
  return { env, buildArgs };
}

export async function build(deps: ApiDeps, ctx: RequestContext): Promise<void> {
  const { env, buildArgs } = splitBuildArgs(ctx.query.get('buildargs'));
  const body: Record<string, unknown> = {
    Env: env,
    HostConfig: {
      Memory: Number(ctx.query.get('memory') ?? 0) || 0,
      CpuShares: Number(ctx.query.get('cpushares') ?? 0) || 0,
    },
  };
  let swarm;
  try {
    swarm = extractSwarmConfig(body, () => '');
  } catch (err) {
    if (err instanceof SwarmConfigError) throw ApiError.invalid(err.message);
    throw err;
  }
  const decision = schedule(deps.scheduler, deps.pool.snapshot(), placementRequest('', body, swarm), {
    rng: deps.rng,
    overcommit: deps.overcommit,
  });
  if (!decision.ok) throw ApiError.unavailable(decision.message);
  const engine = deps.pool.engine(decision.node.addr);
  if (!engine) throw ApiError.unavailable(`engine ${decision.node.addr} left the cluster`);
  const query = new URLSearchParams(ctx.rawQuery);
  if (env.length > 0) query.set('buildargs', JSON.stringify(buildArgs));
  await forward(ctx, engine, { path: '/build', query: query.toString() });
  await engine.lists.refresh('images').catch(() => undefined);
}
