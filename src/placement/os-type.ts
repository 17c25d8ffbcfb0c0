// The OS-type constraint classic added at create: only needed when the pool mixes operating systems.
import type { Engine } from '../engine/engine.js';
import { matchesImage } from '../docker/image-ref.js';
import { parseExpr, type Expr } from '../scheduler/expr.js';
import type { SwarmConfig } from '../scheduler/swarm-config.js';
import type { Pool } from '../pool/pool.js';

async function imageOs(engine: Engine, image: string): Promise<string[]> {
  try {
    if (engine.lists.images.some((i) => matchesImage(i, image))) {
      const inspect = await engine.ops.inspectImage(image);
      return inspect.Os ? [inspect.Os] : [];
    }
    const dist = await engine.ops.distribution(image);
    return [...new Set((dist.Platforms ?? []).map((p) => p.os ?? '').filter(Boolean))];
  } catch {
    return [];
  }
}

/** The answer of mixedOs per pool, until an engine joins or leaves the healthy ones. */
const mixedByPool = new WeakMap<Pool, { generation: number; mixed: boolean }>();

function mixedOsOf(pool: Pool): boolean {
  const hit = mixedByPool.get(pool);
  if (hit?.generation === pool.generation) return hit.mixed;
  const mixed = mixedOs(pool.all());
  mixedByPool.set(pool, { generation: pool.generation, mixed });
  return mixed;
}

/** Whether the healthy engines run more than one OS: one pass, no allocation, stops at the second OS. */
function mixedOs(engines: readonly Engine[]): boolean {
  let first: string | undefined;
  for (const e of engines) {
    if (!e.isHealthy) continue;
    const os = e.specs?.osType ?? '';
    if (first === undefined) first = os;
    else if (os !== first) return true;
  }
  return false;
}

/**
 * `ostype==<os>` for the image, unless the user constrained ostype already. Asked only when the healthy
 * engines run more than one OS: in a one-OS pool it cannot change the decision, so it costs nothing.
 */
export async function osConstraint(
  pool: Pool,
  swarm: SwarmConfig,
  body: Record<string, unknown>,
): Promise<Expr | undefined> {
  if (swarm.constraints.some((e) => e.key === 'ostype')) return undefined;
  if (!mixedOsOf(pool)) return undefined;
  const engines = pool.healthy();
  const image = typeof body['Image'] === 'string' ? body['Image'] : '';
  if (!image) return undefined;
  const holder = engines.find((e) => e.lists.images.some((i) => matchesImage(i, image))) ?? engines[0];
  if (!holder) return undefined;
  const found = await imageOs(holder, image);
  if (found.length === 0) return undefined;
  return parseExpr(found.length === 1 ? `ostype==${found[0] ?? ''}` : `ostype==/(${found.join(')|(')})/`);
}
