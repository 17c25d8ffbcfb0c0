// `GET /secrets?filters=` and `/configs`: what matches, and what the engine refuses.
import { describe, expect, it } from 'vitest';
import { FilterArgs } from '../../src/docker/filters.js';
import { dataFilter } from '../../src/secrets/filter.js';
import type { DataRecord } from '../../src/secrets/types.js';

const rec = (ID: string, Name: string, Labels: Record<string, string> = {}): DataRecord => ({
  ID,
  Version: { Index: 1 },
  CreatedAt: '',
  UpdatedAt: '',
  Spec: { Name, Labels },
});
const all = [
  rec('abc1', 'db'),
  rec('abd2', 'dbx', { env: 'prod' }),
  rec('xyz3', 'web', { env: 'dev', tier: '' }),
];
const names = (kind: 'secret' | 'config', f: Record<string, string[]>) =>
  all.filter(dataFilter(kind, FilterArgs.of(f))).map((r) => r.Spec.Name);

describe('secret and config filters', () => {
  it('matches names exactly, name and id by prefix, any of them; every label', () => {
    expect(names('secret', {})).toEqual(['db', 'dbx', 'web']);
    expect(names('secret', { names: ['db'] })).toEqual(['db']);
    expect(names('secret', { name: ['db'] })).toEqual(['db', 'dbx']);
    expect(names('secret', { name: ['DB'] })).toEqual(['db', 'dbx']);
    expect(names('secret', { id: ['ab'] })).toEqual(['db', 'dbx']);
    expect(names('secret', { names: ['web'], id: ['abc'] })).toEqual(['db', 'web']);
    expect(names('secret', { label: ['env'] })).toEqual(['dbx', 'web']);
    expect(names('secret', { label: ['env=dev', 'tier'] })).toEqual(['web']);
    expect(names('config', { name: ['d'], label: ['env=prod'] })).toEqual(['dbx']);
  });

  it('refuses keys the engine does not take (configs have no `names`)', () => {
    expect(() => dataFilter('secret', FilterArgs.of({ driver: ['x'] }))).toThrow("Invalid filter 'driver'");
    expect(() => dataFilter('config', FilterArgs.of({ names: ['x'] }))).toThrow("Invalid filter 'names'");
  });
});
