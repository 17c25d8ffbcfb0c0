import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

describe('Go durations', () => {
  it.each([
    ['60s', 60_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['-2s', -2000],
    ['100us', 0.1],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'abc', '10', '1x', 's'])('refuses %j with Go text', (text) => {
    expect(() => parseDuration(text)).toThrow(/^time: (invalid duration|unknown unit)/);
  });

  it('says invalid duration with the quoted input', () => {
    expect(() => parseDuration('abc')).toThrow('time: invalid duration "abc"');
  });

  it('formats like Go', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(500)).toBe('500ms');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(3_600_000)).toBe('1h0m0s');
  });
});
