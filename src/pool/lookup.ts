// Finding a container anywhere in the cluster: full ID, name, <node>/<name>, or a unique ID prefix.
import type { Engine } from '../engine/engine.js';
import type { CachedContainer } from '../engine/types.js';
import type { Pool } from './pool.js';

export interface Located {
  engine: Engine;
  container: CachedContainer;
}

function at(engine: Engine | undefined, id: string): Located | undefined {
  const container = engine?.containers.get(id);
  return engine && container ? { engine, container } : undefined;
}

/**
 * Docker's order (ID, then name, then prefix), with Shoal's `<node>/<name>` form. An ambiguous name or
 * prefix finds nothing, so a command never acts on a container the user did not mean.
 */
export function findContainer(pool: Pool, ref: string): Located | undefined {
  if (ref === '') return undefined;
  const byId = at(pool.containers.engineOf(ref), ref);
  if (byId) return byId;
  const name = ref.replace(/^\//, '');
  const named = pool.containers.named(name);
  if (named.size === 1) {
    const [id, engine] = [...named][0] as [string, Engine];
    return at(engine, id);
  }
  if (named.size > 1) return undefined;
  const slash = name.indexOf('/');
  if (slash > 0) {
    const engine = pool.engine(name.slice(0, slash));
    const rest = name.slice(slash + 1);
    if (engine) {
      for (const [id, e] of pool.containers.named(rest)) if (e === engine) return at(engine, id);
    }
  }
  if (!/^[0-9a-f]+$/.test(ref)) return undefined;
  const hits = pool.containers.withPrefix(ref);
  if (hits.length === 1) {
    const [id, engine] = hits[0] as [string, Engine];
    return at(engine, id);
  }
  if (hits.length > 1) return undefined;
  // The swarm ID (com.docker.swarm.id) names a container across reschedules, as classic allowed.
  const swarmIds = pool.containers.swarmIdsWithPrefix(ref);
  if (swarmIds.length !== 1) return undefined;
  const holders = [...pool.containers.withSwarmId(swarmIds[0] ?? '')];
  const live = holders.filter(([, e]) => e.isHealthy);
  const [chosen] = live.length === 1 ? live : holders.length === 1 ? holders : [];
  return chosen ? at(chosen[1], chosen[0]) : undefined;
}

/** Who already uses this name (create and rename must keep names unique across the cluster). */
export function nameOwner(pool: Pool, name: string): { id: string } | 'pending' | undefined {
  const bare = name.replace(/^\//, '');
  const named = pool.containers.named(bare);
  if (named.size > 0) return { id: [...named.keys()][0] as string };
  if (pool.reservations.hasName(bare)) return 'pending';
  return undefined;
}
