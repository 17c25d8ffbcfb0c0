// Jitter for retries after a failure, so managers and agents that failed together do not retry in lockstep.

/** The most jitter takes off a retry delay: retries land between 80 % and 100 % of it. */
export const JITTER_SHARE = 0.2;

/**
 * A retry delay with jitter: in [(1 - share) × ms, ms], whole milliseconds. Never longer than the delay
 * itself, so bounds built on it (a TTL, "seen again within the max interval") still hold.
 */
export function jitter(ms: number, rng: () => number = Math.random, share = JITTER_SHARE): number {
  if (!(ms > 0)) return 0;
  const r = Math.min(Math.max(rng(), 0), 1);
  return Math.max(Math.round(ms * (1 - share * r)), 0);
}
