// Resolving the container (or exec) a request names, with Docker's 404 texts.
import type { Engine } from '../../engine/engine.js';
import { ApiError, noSuchContainer } from '../../errors.js';
import { findContainer, type Located } from '../../pool/lookup.js';
import type { Pool } from '../../pool/pool.js';

export function locate(pool: Pool, ref: string): Located {
  const found = findContainer(pool, ref);
  if (!found) throw noSuchContainer(ref);
  return found;
}

/** Engine path for a container sub-resource, by full ID (names may be cluster-only forms like node/name). */
export function containerPath(loc: Located, suffix = ''): string {
  return `/containers/${loc.container.id}${suffix}`;
}

/**
 * Finds the engine holding an exec instance: remembered at creation (through Shoal or from the engine's
 * events); else asked of every healthy engine once, so execs made before Shoal started still work.
 */
export async function locateExec(pool: Pool, ref: string): Promise<{ id: string; engine: Engine }> {
  const known = pool.execs.find(ref);
  if (known) return known;
  const answers = await Promise.all(
    pool.healthy().map(async (engine) => {
      const res = await engine.ops.inspectExec(ref).catch(() => undefined);
      return res?.ID ? { id: res.ID, engine, containerId: res.ContainerID ?? '' } : undefined;
    }),
  );
  const hit = answers.find((a) => a !== undefined);
  if (!hit) throw ApiError.notFound(`No such exec instance: ${ref}`);
  pool.execs.add(hit.id, hit.engine, hit.containerId);
  return hit;
}
