// Retry jitter: bounds, seeded randomness, and a real spread.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JITTER_SHARE, jitter } from '../src/backoff.js';
import { seeded } from './support/nodes.js';

describe('jitter', () => {
  it('stays within [(1 - share) × ms, ms] for any draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (ms, r, share) => {
          const d = jitter(ms, () => r, share);
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeLessThanOrEqual(ms);
          expect(d).toBeGreaterThanOrEqual(Math.floor(ms * (1 - share)));
        },
      ),
    );
  });

  it('takes at most a fifth off by default, and nothing with a zero draw', () => {
    expect(JITTER_SHARE).toBe(0.2);
    expect(jitter(5000, () => 0)).toBe(5000);
    expect(jitter(5000, () => 0.5)).toBe(4500);
    expect(jitter(5000, () => 0.999999)).toBe(4000);
  });

  it('answers 0 for no delay, and keeps a misbehaving rng inside the bounds', () => {
    expect(jitter(0, () => 0.5)).toBe(0);
    expect(jitter(-5, () => 0.5)).toBe(0);
    expect(jitter(Number.NaN, () => 0.5)).toBe(0);
    expect(jitter(1000, () => 7)).toBe(800);
    expect(jitter(1000, () => -1)).toBe(1000);
  });

  it('spreads retries of many agents that failed together', () => {
    const rng = seeded(3);
    const delays = new Set(Array.from({ length: 50 }, () => jitter(10_000, rng)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(8000);
  });
});
