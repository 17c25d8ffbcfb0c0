// A service task's container: placed as swarm mode places tasks (the request carries the service's
// constraints, preferences and limits), recorded as assigned before anything is made on the engine, then
// created there, the image pulled first when that engine lacks it (SwarmKit's agent does the same).
import type { Engine } from '../engine/engine.js';
import { isEngineError } from '../engine/errors.js';
import { log } from '../log.js';
import { placementRequest } from '../scheduler/request.js';
import type { TaskPlacement } from '../scheduler/types.js';
import { resolveNetworks } from './network-refs.js';
import type { Placer } from './placer.js';

export interface TaskContainerRequest {
  /** The task's name (`<service>.<slot>.<task ID>`), which its container takes. */
  name: string;
  /** A new create body for the engine it goes to (its labels name the node); without one, for placing. */
  body(engine?: Engine): Record<string, unknown>;
  service: TaskPlacement;
  /**
   * Called once an engine is chosen and before anything is made there: the task is recorded as assigned
   * to it. If this throws (the task changed meanwhile), nothing is created.
   */
  assigned(engine: Engine): Promise<void>;
}

export interface TaskContainer {
  engine: Engine;
  id: string;
}

/**
 * Places and creates the container. Throws ApiError(unavailable) with the scheduler's explanation when no
 * node fits (nothing recorded), or the engine's error when the create failed after the task was assigned.
 */
export async function createTaskContainer(placer: Placer, req: TaskContainerRequest): Promise<TaskContainer> {
  const probe = req.body();
  resolveNetworks(placer.pool, probe);
  const { engine, release } = placer.place({ ...placementRequest(req.name, probe), service: req.service });
  try {
    await req.assigned(engine);
    const body = req.body(engine);
    resolveNetworks(placer.pool, body);
    return { engine, id: await createOn(engine, req.name, body) };
  } finally {
    release();
  }
}

async function createOn(engine: Engine, name: string, body: Record<string, unknown>): Promise<string> {
  try {
    return (await engine.ops.createContainer({ name, body })).id;
  } catch (err) {
    const image = typeof body['Image'] === 'string' ? body['Image'] : '';
    if (!isEngineError(err, 'noSuchImage') || image === '') throw err;
    log.info(`Pulling ${image} on ${engine.name} for a service task`);
    try {
      await engine.ops.pullImage(image);
    } catch (pullErr) {
      log.debug(`Pull of ${image} on ${engine.name} failed: ${(pullErr as Error).message}`);
      throw err;
    }
    return (await engine.ops.createContainer({ name, body })).id;
  }
}
