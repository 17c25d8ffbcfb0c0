// The one way anything is placed: snapshot → schedule → reserve, in one synchronous block. In Node that
// block replaces Swarm's scheduler lock: a placement that starts after this one sees its claim.
import type { Engine } from '../engine/engine.js';
import { ApiError } from '../errors.js';
import { DecisionLog } from './decisions.js';
import type { Pool } from '../pool/pool.js';
import { pendingContainer } from '../scheduler/request.js';
import { passing, schedule, type Scheduler } from '../scheduler/schedule.js';
import type { Filter, PlacementRequest } from '../scheduler/types.js';

export interface PlacementSettings {
  readonly scheduler: Scheduler;
  /** swarm.overcommit (0.05 = 5 %). */
  readonly overcommit: number;
  /** swarm.createretry: extra create attempts after a failure. */
  readonly createRetry: number;
  readonly rng: () => number;
}

/** A slot held on one engine until `release` (after the engine answered, or the work failed). */
export interface Placement {
  readonly engine: Engine;
  readonly release: () => void;
}

export class Placer {
  /** The recent decisions and their totals (the cluster view and the metrics read them). */
  readonly decisions = new DecisionLog();

  constructor(
    readonly pool: Pool,
    readonly settings: PlacementSettings,
  ) {}

  /**
   * Chooses an engine and claims the request's name and resources on it. Throws (503, with the
   * scheduler's explanation) when no engine fits.
   */
  place(req: PlacementRequest): Placement {
    const { scheduler, rng, overcommit } = this.settings;
    const nodes = this.pool.snapshot();
    const decision = schedule(scheduler, nodes, req, { rng, overcommit });
    this.decisions.record(scheduler, nodes, req, decision);
    if (!decision.ok) throw ApiError.unavailable(decision.message);
    const engine = this.pool.at(decision.node.addr);
    if (!engine) throw ApiError.unavailable(`engine ${decision.node.addr} left the cluster`);
    const release = this.pool.reservations.reserve({
      name: req.name,
      engineAddr: engine.addr,
      container: pendingContainer(req),
    });
    return { engine, release };
  }

  /** Every healthy engine that these filters accept for the request (a volume goes to all of them). */
  eligible(req: PlacementRequest, filters: readonly Filter[]): Engine[] {
    const nodes = passing(filters, this.pool.snapshot(), req);
    return nodes.flatMap((n) => {
      const engine = this.pool.at(n.addr);
      return engine?.isHealthy ? [engine] : [];
    });
  }
}
