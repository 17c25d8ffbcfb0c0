// place(): snapshot → schedule → reserve in one synchronous block, so placements made back to back see
// each other's claims before any engine has answered, and a released claim frees its slot.
import { afterEach, expect, it } from 'vitest';
import { parseExpr } from '../../src/scheduler/expr.js';
import { placementRequest } from '../../src/scheduler/request.js';
import { fakeCluster, type FakeCluster } from '../support/cluster.js';

let c: FakeCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const GIB = 1024 ** 3;
const oneGib = (name: string) =>
  placementRequest(name, { Image: 'busybox:local', HostConfig: { Memory: GIB } });

it('claims are seen by the next placement at once; with no room left placement fails as classic did', async () => {
  c = await fakeCluster([{ memory: GIB }, { memory: GIB }]);
  const { placer } = c.manager;
  const a = placer.place(oneGib('a'));
  const b = placer.place(oneGib('b'));
  expect(new Set([a.engine.name, b.engine.name])).toEqual(new Set(['node-0', 'node-1']));
  expect(c.manager.pool.reservations.hasName('a')).toBe(true);
  expect(() => placer.place(oneGib('c'))).toThrow(/no resources available to schedule container/);
  a.release();
  expect(c.manager.pool.reservations.hasName('a')).toBe(false);
  expect(placer.place(oneGib('c')).engine.name).toBe(a.engine.name);
});

it('eligible() keeps every healthy engine the filters accept', async () => {
  c = await fakeCluster([{}, {}, {}]);
  const { placer } = c.manager;
  const [whitelist] = c.manager.placer.settings.scheduler.filters.filter((f) => f.name === 'whitelist');
  const req = placementRequest(
    '',
    {},
    {
      constraints: [],
      affinities: [],
      whitelists: [parseExpr('node==node-0|node-2')],
    },
  );
  const names = placer
    .eligible(req, whitelist ? [whitelist] : [])
    .map((e) => e.name)
    .sort();
  expect(whitelist).toBeDefined();
  expect(names).toEqual(['node-0', 'node-2']);
});
