// /events: engine events merged with node attributes, since/until replay, filters, exact timestamps.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';

interface Ev {
  Type: string;
  Action: string;
  from?: string;
  timeNano: number;
  Actor: { ID: string; Attributes: Record<string, string> };
  node?: { Name: string };
}

let c: FakeCluster;

beforeAll(async () => {
  c = await fakeCluster([{}, {}]);
});
afterAll(async () => {
  await c.stop();
});

function lines(text: string): Ev[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Ev);
}

it('replays past events between since and until, tagged with their node, filtered, then ends', async () => {
  const start = Math.floor(Date.now() / 1000) - 1;
  const a = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=ev-a', {
    Image: 'busybox:local',
  });
  await call(c.base, 'POST', `/containers/${a.body.Id}/start`);
  await call(c.base, 'POST', '/containers/create?name=ev-b', { Image: 'busybox:local' });
  await waitFor('events recorded', async () => {
    const r = await call(c.base, 'GET', `/events?since=${start}&until=${Math.ceil(Date.now() / 1000) + 1}`);
    return lines(r.text).filter((e) => e.Type === 'container').length >= 3;
  });
  const until = Math.ceil(Date.now() / 1000);
  const filters = encodeURIComponent(JSON.stringify({ container: ['ev-a'] }));
  const r = await call(c.base, 'GET', `/events?since=${start}&until=${until}&filters=${filters}`);
  const evs = lines(r.text);
  expect(evs.map((e) => e.Action)).toEqual(['create', 'start']);
  const ev = evs[0];
  expect(ev?.Actor.Attributes['node.name']).toMatch(/^node-[01]$/);
  expect(ev?.Actor.Attributes['node.addr']).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(ev?.from).toMatch(/^busybox:local node:node-[01]$/);
  expect(ev?.node?.Name).toBe(ev?.Actor.Attributes['node.name']);
  // timeNano is passed on to the digit, not rounded through a double.
  const sent = c.engines.flatMap((e) => e.history).map((h) => /"timeNano":(\d+)/.exec(h.line)?.[1]);
  const got = [...r.text.matchAll(/"timeNano":(\d+)/g)].map((m) => m[1]);
  expect(got.length).toBe(2);
  for (const t of got) expect(sent).toContain(t);
  const typed = await call(
    c.base,
    'GET',
    `/events?since=${start}&until=${until}&filters=${encodeURIComponent('{"event":["create"]}')}`,
  );
  expect(lines(typed.text).map((e) => e.Action)).toEqual(['create', 'create']);
});

it('streams live events until `until`, and rejects since after until', async () => {
  const until = Math.floor(Date.now() / 1000) + 2;
  const pending = call(
    c.base,
    'GET',
    `/events?until=${until}&filters=${encodeURIComponent('{"container":["ev-live"]}')}`,
  );
  await new Promise((r) => setTimeout(r, 100));
  await call(c.base, 'POST', '/containers/create?name=ev-live', { Image: 'busybox:local' });
  const r = await pending;
  expect(lines(r.text).map((e) => e.Action)).toEqual(['create']);
  const bad = await call<{ message: string }>(c.base, 'GET', '/events?since=10&until=5');
  expect(bad.status).toBe(400);
  expect(bad.body.message).toBe('`since` time (10) cannot be after `until` time (5)');
});
