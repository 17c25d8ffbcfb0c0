// Placing a build: `--build-arg constraint:…`, `affinity:…` and `whitelist:…` steer it (and are not passed
// on to the build); `--memory` and `--cpu-shares` count as for a container. The slot is held while it builds.
import { BUILD_ARGS } from '../docker/api-bodies.js';
import { GoJsonError, unmarshalGoJson } from '../docker/go-json.js';
import { int64OrZero } from '../docker/strconv.js';
import { ApiError } from '../errors.js';
import { placementRequest } from '../scheduler/request.js';
import { swarmConfigOf } from './create-container.js';
import type { Placement, Placer } from './placer.js';

const SWARM_KEYS = /^(constraint|affinity|whitelist):/;

/** Splits build args into the scheduling expressions (as env entries) and the args for the build. */
export function splitBuildArgs(raw: string | null): {
  env: string[];
  buildArgs: Record<string, string | null>;
} {
  if (!raw) return { env: [], buildArgs: {} };
  let parsed: unknown;
  try {
    parsed = unmarshalGoJson(raw, BUILD_ARGS);
  } catch (err) {
    if (err instanceof GoJsonError) throw ApiError.invalid(`error reading build args: ${err.message}`);
    throw err;
  }
  const env: string[] = [];
  const buildArgs: Record<string, string | null> = {};
  for (const [k, v] of Object.entries((parsed ?? {}) as Record<string, string | null>)) {
    // `--build-arg constraint:node==x` arrives as key "constraint:node", value "=x".
    if (SWARM_KEYS.test(k)) env.push(v === null ? k : `${k}=${v}`);
    else buildArgs[k] = v;
  }
  return { env, buildArgs };
}

export interface BuildPlacement extends Placement {
  /** The build args to pass on, when scheduling expressions were taken out of them. */
  readonly buildArgs?: Record<string, string | null>;
}

/** Places a build from its query: `buildargs`, `memory`, `cpushares`. */
export function placeBuild(placer: Placer, query: URLSearchParams): BuildPlacement {
  const { env, buildArgs } = splitBuildArgs(query.get('buildargs'));
  const body: Record<string, unknown> = {
    Env: env,
    HostConfig: {
      Memory: int64OrZero(query.get('memory')),
      CpuShares: int64OrZero(query.get('cpushares')),
    },
  };
  const swarm = swarmConfigOf(body, () => '');
  const placed = placer.place(placementRequest('', body, swarm));
  return env.length > 0 ? { ...placed, buildArgs } : placed;
}
