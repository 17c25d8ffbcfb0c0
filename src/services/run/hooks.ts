// What other swarm-mode objects add to services (secrets and configs, src/secrets/): a check of each spec
// as it is stored, and work on a task's container before it starts. main.ts wires them in.
import type { Engine } from '../../engine/engine.js';
import type { ServiceSpec, Task } from '../types.js';

export interface ServiceHooks {
  /** Throws the engine's error for a spec that refers to what is not there; runs inside the service's write. */
  checkSpec(spec: ServiceSpec): void;
  /** Before a task's container starts (its secrets' and configs' files); a throw rejects the task. */
  beforeStart(engine: Engine, containerId: string, task: Task): Promise<void>;
}
