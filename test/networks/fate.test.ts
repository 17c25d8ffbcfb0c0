// A recorded network an engine lacks: made again, forgotten, or left until the engines that could tell answer.
import { expect, it } from 'vitest';
import { fateOf } from '../../src/networks/fate.js';
import type { NetworkRecord } from '../../src/networks/records.js';

const rec: NetworkRecord = {
  id: 'n1',
  name: 'web',
  state: 'created',
  spec: { Name: 'web' },
  created: '2026-11-25T00:00:00Z',
  parts: { A: { engine: 'node-0' }, B: { engine: 'node-1' } },
};
const e = (id: string, healthy: boolean, hasPart: boolean) => ({ id, healthy, hasPart });

it.each([
  ['a healthy engine still has a part', [e('A', true, true), e('B', true, false)], 'repair'],
  ['a new engine joins a network that exists', [e('A', true, true), e('C', true, false)], 'repair'],
  ['every engine it was on is here and has none', [e('A', true, false), e('B', true, false)], 'forget'],
  ['an engine that left the pool does not count', [e('A', true, false)], 'forget'],
  ['one of its engines is down: it may have its part', [e('A', true, false), e('B', false, false)], 'wait'],
  ['an engine not validated yet could be B', [e('A', true, false), e('', false, false)], 'wait'],
  ['none of its engines is in the pool', [e('C', true, false)], 'wait'],
] as const)('%s → %s', (_what, views, fate) => {
  expect(fateOf(rec, views)).toBe(fate);
});
