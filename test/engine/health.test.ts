import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INITIAL_HEALTH,
  healthIndicator,
  nextRefreshDelay,
  onConnectionFailure,
  onSuccess,
  pendingRetryDelay,
  type Health,
} from '../../src/engine/health.js';

const healthy: Health = { state: 'healthy', failureCount: 0, lastError: '' };

describe('engine health', () => {
  it('turns unhealthy after `retry` consecutive failures, and back on success', () => {
    let h = healthy;
    const t1 = onConnectionFailure(h, 'refused', 3);
    expect(t1.transition).toBe('none');
    h = onConnectionFailure(t1.health, 'refused', 3).health;
    const t3 = onConnectionFailure(h, 'refused', 3);
    expect(t3.transition).toBe('disconnect');
    expect(t3.health).toEqual({ state: 'unhealthy', failureCount: 3, lastError: 'refused' });
    const back = onSuccess(t3.health);
    expect(back.transition).toBe('reconnect');
    expect(back.health).toEqual(healthy);
  });

  it('a success resets the count of a healthy engine', () => {
    const h = onConnectionFailure(healthy, 'x', 3).health;
    expect(onSuccess(h)).toEqual({ health: healthy, transition: 'none' });
  });

  it('gives classic health indicators', () => {
    expect(healthIndicator(healthy, 3)).toBe(100);
    expect(healthIndicator({ ...healthy, failureCount: 1 }, 3)).toBe(67);
    expect(healthIndicator({ ...healthy, failureCount: 3 }, 3)).toBe(0);
    expect(healthIndicator(INITIAL_HEALTH, 3)).toBe(0);
  });

  it('keeps refresh delays inside [min, max] and retries a failing healthy engine within a second', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (failures, r1, r2) => {
          const min = 30_000;
          const max = 60_000;
          const draws = [r1, r2];
          const rng = () => draws.shift() ?? 0;
          const unhealthy: Health = { state: 'unhealthy', failureCount: failures, lastError: '' };
          const d = nextRefreshDelay(unhealthy, 3, min, max, rng);
          expect(d).toBeGreaterThanOrEqual(min);
          expect(d).toBeLessThanOrEqual(max);
        },
      ),
    );
    expect(nextRefreshDelay({ ...healthy, failureCount: 1 }, 3, 30_000, 60_000, () => 0)).toBe(1000);
    expect(nextRefreshDelay({ ...healthy, failureCount: 1 }, 3, 30_000, 60_000, () => 0.5)).toBe(900);
    expect(nextRefreshDelay(healthy, 3, 30_000, 60_000, () => 0.5)).toBe(45_000);
  });

  it('spreads unhealthy engines held at the max interval, instead of retrying them all at once', () => {
    const unhealthy: Health = { state: 'unhealthy', failureCount: 10, lastError: '' };
    expect(nextRefreshDelay(unhealthy, 3, 30_000, 60_000, () => 0)).toBe(60_000);
    expect(nextRefreshDelay(unhealthy, 3, 30_000, 60_000, () => 0.5)).toBe(54_000);
    // Never below the min interval, even when min and max are close.
    expect(nextRefreshDelay(unhealthy, 3, 55_000, 60_000, () => 0.99)).toBe(55_000);
    expect(nextRefreshDelay(unhealthy, 3, 1000, 1000, () => 0.99)).toBe(1000);
    // Below the cap, classic's own random spread is kept as it was.
    expect(nextRefreshDelay({ ...unhealthy, failureCount: 3 }, 3, 10_000, 60_000, () => 0.5)).toBe(35_000);
  });

  it('retries pending engines with exponential back-off capped at the max interval, with jitter', () => {
    expect([1, 2, 3, 4, 10].map((n) => pendingRetryDelay(n, 10_000, () => 0))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ]);
    expect([1, 2, 3, 4, 10].map((n) => pendingRetryDelay(n, 10_000, () => 0.5))).toEqual([
      900, 1800, 3600, 7200, 9000,
    ]);
  });
});
