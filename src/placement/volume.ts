// Placing a volume, as classic did: a named volume is made on every engine (so a container finds it
// wherever it lands) unless `<node>/<name>` pins it; a `com.docker.swarm.whitelists` label narrows the engines.
import type { Engine } from '../engine/engine.js';
import { ApiError } from '../errors.js';
import { parseExpr } from '../scheduler/expr.js';
import { whitelistFilter } from '../scheduler/filters/whitelist.js';
import { placementRequest } from '../scheduler/request.js';
import { SWARM_LABELS } from '../scheduler/swarm-config.js';
import type { Placer } from './placer.js';

/** The engines a new volume goes to, and its name there. */
export function placeVolume(
  placer: Placer,
  name: string,
  labels: Record<string, string>,
): { engines: Engine[]; name: string } {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const engine = placer.pool.engine(name.slice(0, slash));
    if (!engine) throw ApiError.notFound(`No such node: ${name.slice(0, slash)}`);
    return { engines: [engine], name: name.slice(slash + 1) };
  }
  const whitelist = labels[SWARM_LABELS.whitelists];
  let engines = placer.pool.healthy();
  if (whitelist) {
    let whitelists;
    try {
      whitelists = (JSON.parse(whitelist) as string[]).map(parseExpr);
    } catch (err) {
      throw ApiError.invalid(`invalid ${SWARM_LABELS.whitelists} label: ${(err as Error).message}`);
    }
    engines = placer.eligible(placementRequest('', {}, { constraints: [], affinities: [], whitelists }), [
      whitelistFilter,
    ]);
  }
  if (engines.length === 0) throw ApiError.unavailable('No healthy node available in the cluster');
  return { engines, name };
}
