// Engines that die and come back: states, hidden containers, Host Down, cluster events, other engines unaffected.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { runningState } from '../support/fake-engine.js';
import { call } from '../support/http.js';

interface Summary {
  Names: string[];
  Status: string;
}

let c: FakeCluster;

beforeAll(async () => {
  c = await fakeCluster([{}, {}]);
});
afterAll(async () => {
  await c.stop();
});

function nodeStatus(status: [string, string][], node: string): string | undefined {
  const i = status.findIndex(([k]) => k === ` ${node}`);
  return status.slice(i).find(([k]) => k === '  └ Status')?.[1];
}

it('flags a dead engine Unhealthy, shows its containers as Host Down, and takes it back when it returns', async () => {
  const [e0, e1] = c.engines;
  if (!e0 || !e1) throw new Error('engines');
  e1.addContainer('victim', {
    State: runningState(),
  });
  await waitFor(
    'victim listed',
    async () => (await call<Summary[]>(c.base, 'GET', '/containers/json')).body.length === 1,
  );
  const events = fetch(`${c.base}/events?filters=${encodeURIComponent('{"type":["swarm"]}')}`);
  await e1.stop();
  const t0 = Date.now();
  await waitFor('node-1 unhealthy', async () => {
    const info = await call<{ SystemStatus: [string, string][] }>(c.base, 'GET', '/info');
    return nodeStatus(info.body.SystemStatus, 'node-1') === 'Unhealthy';
  });
  // failure retry 2, first retry after the stream drops, then one a second later
  expect(Date.now() - t0).toBeLessThan(5000);
  expect((await call<Summary[]>(c.base, 'GET', '/containers/json')).body).toHaveLength(0);
  const all = (await call<Summary[]>(c.base, 'GET', '/containers/json?all=1')).body;
  expect(all.find((s) => s.Names[0] === '/node-1/victim')?.Status).toBe('Host Down');
  // The other engine keeps serving; new containers avoid the dead one.
  const cr = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=survivor', {
    Image: 'busybox:local',
  });
  expect(cr.status).toBe(201);
  expect([...e0.containers.values()].some((x) => x.Name === '/survivor')).toBe(true);
  await e1.start();
  await waitFor(
    'node-1 healthy again',
    async () => {
      const info = await call<{ SystemStatus: [string, string][] }>(c.base, 'GET', '/info');
      return nodeStatus(info.body.SystemStatus, 'node-1') === 'Healthy';
    },
    10_000,
  );
  expect((await call<Summary[]>(c.base, 'GET', '/containers/json')).body.map((s) => s.Names[0])).toContain(
    '/node-1/victim',
  );
  const res = await events;
  const reader = res.body?.getReader();
  const seen: string[] = [];
  const decoder = new TextDecoder();
  while (!seen.some((l) => l.includes('engine_reconnect'))) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    seen.push(
      ...decoder
        .decode(chunk.value as Uint8Array)
        .split('\n')
        .filter(Boolean),
    );
  }
  await reader?.cancel();
  const actions = seen.map(
    (l) => JSON.parse(l) as { Action: string; Actor: { Attributes: Record<string, string> } },
  );
  expect(actions.map((a) => a.Action)).toEqual(['engine_disconnect', 'engine_reconnect']);
  expect(actions[0]?.Actor.Attributes['node.name']).toBe('node-1');
});
