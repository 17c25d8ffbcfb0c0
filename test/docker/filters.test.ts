import { describe, expect, it } from 'vitest';
import { FilterArgs, boolValue } from '../../src/docker/filters.js';

describe('filters argument', () => {
  it('reads the map-of-sets and the legacy list encodings alike', () => {
    const a = FilterArgs.parse('{"label":{"a=1":true,"b":true}}');
    const b = FilterArgs.parse('{"label": ["a=1", "b"]}');
    expect(a.values('label')).toEqual(b.values('label'));
  });

  it('refuses malformed JSON and wrong shapes with 400', () => {
    for (const bad of ['{x', '[1]', '{"a":1}', '{"a":[1]}']) {
      expect(() => FilterArgs.parse(bad)).toThrow(expect.objectContaining({ status: 400 }) as Error);
    }
  });

  it('matches like Docker: exact or unanchored Go regexp; label key or key=value; prefix for fuzzy', () => {
    const f = FilterArgs.of({ name: ['web'], label: ['tier=front', 'env'], id: ['^abc'] });
    expect(f.match('name', 'cp_web_1')).toBe(true);
    expect(f.match('name', 'db')).toBe(false);
    expect(f.match('id', 'abcdef')).toBe(true);
    expect(f.match('id', 'xabc')).toBe(false);
    expect(f.matchKVList('label', { tier: 'front', env: '' })).toBe(true);
    expect(f.matchKVList('label', { tier: 'back', env: '' })).toBe(false);
    expect(f.matchKVList('label', { tier: 'front' })).toBe(false);
    expect(f.exactMatch('absent', 'anything')).toBe(true);
    expect(FilterArgs.of({ c: ['ab'] }).fuzzyMatch('c', 'abc')).toBe(true);
    expect(() => f.validate(['name', 'label'])).toThrow("Invalid filter 'id'");
  });

  it('parses booleans as the engine does', () => {
    for (const t of ['1', 'true', 'True', 'yes', 'x']) expect(boolValue(t)).toBe(true);
    for (const f of ['', '0', 'no', 'false', 'False', 'none', null, undefined])
      expect(boolValue(f)).toBe(false);
  });
});
