// Rescheduling against engines that misbehave while they fail: the old copy of a moved container never
// takes its name from the live copy, even while its engine is back and the copy cannot be removed yet.
import { afterEach, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';

let c: FakeCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

it('a stale copy back in the cache (its removal failing) does not make the name ambiguous', async () => {
  c = await fakeCluster([{}, {}], ['--engine-failure-retry', '1']);
  const [e0, e1] = c.engines;
  if (!e0 || !e1) throw new Error('engines');
  const created = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=mover', {
    Image: 'busybox:local',
    Env: ['reschedule:on-node-failure', 'constraint:node==~node-0'],
  });
  expect(created.status, created.text).toBe(201);
  const oldId = created.body.Id;
  await e0.stop();
  const moved = await waitFor('moved to node-1', () =>
    [...e1.containers.values()].find((x) => x.Name === '/mover'),
  );
  e0.failDeletes = 1000;
  await e0.start(e0.port);
  const pool = c.manager.pool;
  await waitFor(
    'old copy back in the cache',
    () => pool.engine('node-0')?.containers.get(oldId) !== undefined,
    10_000,
  );
  const inspect = await call<{ Id: string; Node: { Name: string } }>(c.base, 'GET', '/containers/mover/json');
  expect(inspect.status, inspect.text).toBe(200);
  expect([inspect.body.Id, inspect.body.Node.Name]).toEqual([moved.Id, 'node-1']);
  // Once the engine lets it go, the stale copy is removed (asked again while the engine stays up).
  e0.failDeletes = 0;
  await waitFor('stale copy removed', () => !e0.containers.has(oldId), 10_000);
  const after = await call<{ Id: string }>(c.base, 'GET', '/containers/mover/json');
  expect(after.body.Id).toBe(moved.Id);
});
