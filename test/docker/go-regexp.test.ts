// Go (RE2) patterns: Go's syntax and errors, and matching in time linear in the input.
import { describe, expect, it } from 'vitest';
import { GoRegExpError, compileGoRegExp, goRegExp, goRegExpError } from '../../src/docker/go-regexp.js';
import { FilterArgs } from '../../src/docker/filters.js';

/** Median milliseconds of one test of the catastrophic pattern against `n` a's and a dash (no match). */
function timeCatastrophic(n: number, runs = 7): number {
  const re = compileGoRegExp('^(a+)+$');
  const input = `${'a'.repeat(n)}-`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    expect(re.test(input)).toBe(false);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

describe('Go regexps (RE2)', () => {
  it('keeps Go syntax: flags, named groups, POSIX and Unicode classes, \\A \\z \\Q…\\E', () => {
    expect(goRegExp('(?i)NODE1')?.test('node1')).toBe(true);
    expect(goRegExp('(?P<n>a)b')?.test('ab')).toBe(true);
    expect(goRegExp('(?<n>a)b')?.test('ab')).toBe(true);
    expect(goRegExp('[[:digit:]]+')?.test('x12')).toBe(true);
    expect(goRegExp('[[:^alpha:]]')?.test('abc')).toBe(false);
    expect(goRegExp('^\\pL+$')?.test('nœud')).toBe(true);
    expect(goRegExp('^\\pL+$')?.test('node1')).toBe(false);
    expect(goRegExp('^\\p{Greek}+$')?.test('αβγ')).toBe(true);
    expect(goRegExp('\\Anode\\z')?.test('node')).toBe(true);
    expect(goRegExp('\\Q.*\\E')?.test('a.*b')).toBe(true);
    expect(goRegExp('\\Q.*\\E')?.test('ab')).toBe(false);
    expect(goRegExp('(?s)a.b')?.test('a\nb')).toBe(true);
    expect(goRegExp('a.b')?.test('a\nb')).toBe(false);
    expect(goRegExp('(?m)^b$')?.test('a\nb\nc')).toBe(true);
  });

  it('searches unanchored, as regexp.MatchString does', () => {
    expect(goRegExp('web')?.test('cp_web_1')).toBe(true);
    expect(goRegExp('^web')?.test('cp_web_1')).toBe(false);
  });

  it("refuses what Go refuses, with Go's error text", () => {
    const refused: [string, string][] = [
      ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
      ['(?=x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
      ['(?!x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
      ['(?<=x)a', 'error parsing regexp: invalid named capture: `(?<=x)a`'],
      ['a(', 'error parsing regexp: missing closing ): `a(`'],
      ['[a', 'error parsing regexp: missing closing ]: `[a`'],
      ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
      ['x{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
      ['\\Z', 'error parsing regexp: invalid escape sequence: `\\Z`'],
    ];
    for (const [pattern, message] of refused) {
      expect(goRegExp(pattern), pattern).toBeUndefined();
      expect(goRegExpError(pattern)).toBe(message);
      expect(() => compileGoRegExp(pattern)).toThrow(new GoRegExpError(message));
    }
    expect(goRegExpError('(?i)ok')).toBeUndefined();
  });

  it('a refused pattern matches nothing in a filter, as in Docker', () => {
    const f = FilterArgs.of({ name: ['(a)\\1'] });
    expect(f.match('name', 'aa')).toBe(false);
    expect(f.match('name', '(a)\\1')).toBe(true);
  });

  it('runs ^(a+)+$ in time linear in the input, not exponential', () => {
    timeCatastrophic(30_000, 3); // warm up the compiler and the DFA cache
    const t30 = timeCatastrophic(30);
    const t3k = timeCatastrophic(3_000);
    const t30k = timeCatastrophic(30_000);
    const t300k = timeCatastrophic(300_000);
    // Backtracking takes seconds at 30 characters and doubles with each one more; RE2 takes microseconds.
    expect(t30).toBeLessThan(1000);
    expect(t3k).toBeLessThan(1000);
    expect(t300k).toBeLessThan(1000);
    // 10× the input: linear is ~10× (less with fixed costs); quadratic would be 100×. Sizes large enough
    // to take milliseconds, so timer noise does not decide.
    expect(t300k).toBeLessThan(Math.max(t30k, 0.5) * 40);
  });
});
