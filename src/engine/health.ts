// An engine's health state machine, pure: Pending → Healthy ⇄ Unhealthy → Disconnected, as classic Swarm.
import { jitter } from '../backoff.js';

export type EngineState = 'pending' | 'healthy' | 'unhealthy' | 'disconnected';

export const STATE_TEXT: Record<EngineState, string> = {
  pending: 'Pending',
  healthy: 'Healthy',
  unhealthy: 'Unhealthy',
  disconnected: 'Disconnected',
};

export interface Health {
  readonly state: EngineState;
  readonly failureCount: number;
  readonly lastError: string;
}

export type Transition = 'none' | 'disconnect' | 'reconnect';

export const INITIAL_HEALTH: Health = { state: 'pending', failureCount: 0, lastError: '' };

/** A call to the engine succeeded. Returns the new health and the cluster event it implies. */
export function onSuccess(h: Health): { health: Health; transition: Transition } {
  if (h.state === 'unhealthy') {
    return { health: { state: 'healthy', failureCount: 0, lastError: '' }, transition: 'reconnect' };
  }
  return { health: { ...h, failureCount: 0, lastError: '' }, transition: 'none' };
}

/** A call failed to reach the engine. After `retry` consecutive failures a healthy engine turns unhealthy. */
export function onConnectionFailure(
  h: Health,
  error: string,
  retry: number,
): { health: Health; transition: Transition } {
  const failureCount = h.failureCount + 1;
  if (h.state === 'healthy' && failureCount >= retry) {
    return { health: { state: 'unhealthy', failureCount, lastError: error }, transition: 'disconnect' };
  }
  return { health: { ...h, failureCount, lastError: error }, transition: 'none' };
}

/** 0 when the engine must not get work, else 100 minus the share of the retry budget already used. */
export function healthIndicator(h: Health, retry: number): number {
  if (h.state !== 'healthy' || h.failureCount >= retry) return 0;
  return 100 - Math.trunc((h.failureCount * 100) / retry);
}

/**
 * Delay before the next refresh. Healthy: min + random share of (max - min), as classic. While failures are
 * being counted on a healthy engine: about one second, so a dead engine is flagged in about `retry` seconds.
 * Unhealthy: classic's back-off, capped at the max interval so a returning engine is seen within one max
 * interval. Retries after a failure get jitter (never past the max), so engines that failed together, and
 * the managers watching them, do not retry in lockstep.
 */
export function nextRefreshDelay(
  h: Health,
  retry: number,
  minMs: number,
  maxMs: number,
  rng: () => number,
): number {
  if (h.state === 'healthy' && h.failureCount > 0) return jitter(Math.min(1000, minMs), rng);
  const spread = rng() * (maxMs - minMs);
  if (h.state === 'unhealthy') {
    const b = Math.min(Math.max(h.failureCount - retry, 0), 1000);
    const backoff = minMs * (1 + b) + spread;
    // Past the cap every engine would wait exactly the max: jitter keeps them apart, within [min, max].
    return backoff < maxMs ? backoff : Math.max(jitter(maxMs, rng), minMs);
  }
  return minMs + spread;
}

/** Pending engines are re-validated with exponential back-off: about 1 s, 2 s, 4 s … capped at the max interval. */
export function pendingRetryDelay(
  failureCount: number,
  maxMs: number,
  rng: () => number = Math.random,
): number {
  return jitter(Math.min(1000 * 2 ** Math.max(failureCount - 1, 0), Math.max(maxMs, 1000)), rng);
}
