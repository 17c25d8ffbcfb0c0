// User patterns over real sockets: a catastrophic `name` filter neither stalls the list nor the process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';

interface Summary {
  Names: string[];
}

/** 30 a's and a dash: `^(a+)+$` fails on it after 2^30 steps of backtracking. */
const EVIL_NAME = `${'a'.repeat(30)}-`;
const list = (filters: Record<string, string[]>) =>
  `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify(filters))}`;

let c: FakeCluster;

beforeAll(async () => {
  c = await fakeCluster([{}, {}]);
  c.engines[0]?.addContainer(EVIL_NAME);
  await waitFor('the container listed', async () =>
    (await call<Summary[]>(c.base, 'GET', '/containers/json?all=1')).body.some((s) =>
      s.Names.includes(`/node-0/${EVIL_NAME}`),
    ),
  );
});
afterAll(async () => {
  await c.stop();
});

describe('name filter patterns', () => {
  it('answers ^(a+)+$ quickly, and /_ping keeps answering meanwhile', async () => {
    const t0 = performance.now();
    const filtered = call<Summary[]>(c.base, 'GET', list({ name: ['^(a+)+$'] }));
    const pings = Promise.all([1, 2, 3].map(() => call(c.base, 'GET', '/_ping')));
    const [r, pinged] = await Promise.all([filtered, pings]);
    const took = performance.now() - t0;
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
    expect(pinged.map((p) => p.text)).toEqual(['OK', 'OK', 'OK']);
    // Backtracking took tens of seconds here (three names tested per container); RE2 takes milliseconds.
    expect(took).toBeLessThan(2000);
    expect((await call(c.base, 'GET', '/_ping')).text).toBe('OK');
  });

  it('still matches Go patterns, and a pattern Go refuses matches nothing, as in Docker', async () => {
    const hit = await call<Summary[]>(c.base, 'GET', list({ name: ['^/?(?i)A+-$'] }));
    expect(hit.body.map((s) => s.Names)).toEqual([[`/node-0/${EVIL_NAME}`]]);
    const refused = await call<Summary[]>(c.base, 'GET', list({ name: ['(a)\\1'] }));
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual([]);
  });
});
