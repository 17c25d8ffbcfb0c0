// Go's TrimSpace and EqualFold, as SwarmKit's constraints use them.
import { describe, expect, it } from 'vitest';
import { equalFold, trimSpace } from '../../src/docker/go-strings.js';

describe('go strings', () => {
  it("trims Go's spaces, not JavaScript's BOM", () => {
    expect(trimSpace(' \t\u00a0a b\u0085\n')).toBe('a b');
    expect(trimSpace('\ufeffa')).toBe('\ufeffa');
  });

  it('folds case as unicode.SimpleFold does', () => {
    expect(equalFold('Zone-A', 'zONE-a')).toBe(true);
    expect(equalFold('k', '\u212a')).toBe(true);
    expect(equalFold('s', '\u017f')).toBe(true);
    expect(equalFold('ss', 'ß')).toBe(false);
    expect(equalFold('a.b', 'axb')).toBe(false);
    expect(equalFold('é', 'É')).toBe(true);
    expect(equalFold('a', 'ab')).toBe(false);
  });
});
