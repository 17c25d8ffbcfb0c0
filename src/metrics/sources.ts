// What the metrics read: the manager's parts, each as little of it as the metrics need.
import type { Pool } from '../pool/pool.js';
import type { DecisionTotals } from '../placement/decisions.js';
import type { Service, Task } from '../services/types.js';

export interface MetricSources {
  readonly pool: Pool;
  readonly decisions: { readonly totals: DecisionTotals };
  readonly rescheduler: { readonly counts: { moved: number; failed: number; staleRemoved: number } };
  readonly services: { allServices(): Service[]; allTasks(): Task[] };
  /** The embedded DNS's answers by outcome (absent without --dns-listen). */
  readonly dns?: { readonly counts: { answered: number; forwarded: number; failed: number } };
  /** Store errors keyed `operation code`. */
  readonly storeErrors: ReadonlyMap<string, number>;
  readonly consulFailures: { unreachable: number; errorStatus: number };
  /** Discovery errors reported so far (any backend). */
  discoveryErrors(): number;
  /** This manager leads (always, without --replication). */
  leads(): boolean;
}
