// A service's UpdateConfig (or RollbackConfig, while it rolls back) as the updater reads it: SwarmKit's
// defaults when the spec has none, the Go zero values for fields a config leaves out (Parallelism 0: all at
// once), and a Monitor of 0 read as the default 5 s (the engine does not pass a zero on).
import { DEFAULT_MONITOR_NS, objectAt } from './spec.js';
import type { ServiceSpec } from './types.js';

export type FailureAction = 'pause' | 'continue' | 'rollback';

export interface UpdateConfig {
  /** Slots replaced at once; 0: all of them. */
  parallelism: number;
  /** Each worker waits this long after a slot. */
  delayMs: number;
  failureAction: FailureAction;
  /** A task of the update that ends within this long of running counts as a failure. */
  monitorMs: number;
  /** Failures over out-of-date slots above this trigger the failure action. */
  maxFailureRatio: number;
  /** start-first: the new task runs before the old one stops. */
  startFirst: boolean;
}

export const DEFAULT_UPDATE_CONFIG: UpdateConfig = {
  parallelism: 1,
  delayMs: 0,
  failureAction: 'pause',
  monitorMs: DEFAULT_MONITOR_NS / 1e6,
  maxFailureRatio: 0,
  startFirst: false,
};

const nonNegative = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** `rollback`: RollbackConfig (SwarmKit reads it only while the state is rollback_started). */
export function updateConfig(spec: ServiceSpec, rollback: boolean): UpdateConfig {
  const c = objectAt(spec, rollback ? 'RollbackConfig' : 'UpdateConfig');
  if (!c) return DEFAULT_UPDATE_CONFIG;
  const action = c['FailureAction'];
  return {
    parallelism: Math.floor(nonNegative(c['Parallelism'])),
    delayMs: nonNegative(c['Delay']) / 1e6,
    failureAction: action === 'continue' || action === 'rollback' ? action : 'pause',
    monitorMs: (nonNegative(c['Monitor']) || DEFAULT_MONITOR_NS) / 1e6,
    maxFailureRatio: Math.min(nonNegative(c['MaxFailureRatio']), 1),
    startFirst: c['Order'] === 'start-first',
  };
}

/**
 * How long the update watches its tasks once every slot is done: Monitor, or Delay + 1 s when the delay is
 * as long (SwarmKit: else the monitor would end before the last delay).
 */
export function finalMonitorMs(c: UpdateConfig): number {
  return c.delayMs >= c.monitorMs ? c.delayMs + 1000 : c.monitorMs;
}
