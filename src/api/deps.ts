// What the API handlers work with: the pool, the event hub, the scheduler and the settings.
import type { EventHub } from '../events/hub.js';
import type { Pool } from '../pool/pool.js';
import type { Scheduler } from '../scheduler/schedule.js';

export interface ApiDeps {
  readonly pool: Pool;
  readonly hub: EventHub;
  readonly scheduler: Scheduler;
  readonly overcommit: number;
  /** swarm.createretry: extra create attempts after a failure. */
  readonly createRetry: number;
  /** The --strategy value and the --filter names, as `docker info` shows them. */
  readonly strategyName: string;
  readonly filterNames: readonly string[];
  readonly rng: () => number;
  readonly cors: boolean;
  /** --network-pool: where cluster networks get their per-engine subnets. */
  readonly networkPool: string;
  /** "primary" or "replica" (with the primary's address). */
  role(): { role: 'primary' } | { role: 'replica'; primary: string };
}
