// GET /metrics in front of fake engines: valid Prometheus text, the cluster's state as gauges, and counters
// that move when a placement fails and when a container is rescheduled; --metrics-listen serves the same.
import { afterEach, describe, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';
import { parseExposition, type Exposition } from '../support/prometheus-text.js';

let c: FakeCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

async function scrape(url: string): Promise<Exposition> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

describe('GET /metrics', () => {
  it('shows engines, containers, reservations and API requests by route pattern', async () => {
    c = await fakeCluster([
      { labels: ['zone=a'], cpus: 4, memory: 8 * 2 ** 30 },
      { labels: ['zone=b'], cpus: 2, memory: 4 * 2 ** 30 },
    ]);
    const made = await call(c.base, 'POST', '/containers/create?name=web', {
      Image: 'busybox:local',
      HostConfig: { NanoCpus: 1e9, Memory: 256 * 2 ** 20 },
      Env: ['constraint:zone==b'],
    });
    expect(made.status, made.text).toBe(201);
    for (const id of ['nope-1', 'nope-2']) await call(c.base, 'GET', `/containers/${id}/json`);
    await call(c.base, 'GET', '/no/such/path');
    const m = await scrape(`${c.base}/metrics`);
    const text = await (await fetch(`${c.base}/metrics`)).text();
    expect(m.types.get('shoal_engines')).toBe('gauge');
    expect(m.types.get('shoal_api_requests_total')).toBe('counter');
    expect(m.types.get('shoal_api_request_duration_seconds')).toBe('histogram');
    expect(m.value('shoal_engines', { state: 'healthy' })).toBe(2);
    expect(m.value('shoal_engines', { state: 'unhealthy' })).toBe(0);
    expect(m.value('shoal_engine_up', { engine: 'node-1' })).toBe(1);
    expect(m.value('shoal_containers', { engine: 'node-1', state: 'stopped' })).toBe(1);
    expect(m.value('shoal_containers', { engine: 'node-0', state: 'stopped' })).toBe(0);
    expect(m.value('shoal_engine_cpus', { engine: 'node-0' })).toBe(4);
    expect(m.value('shoal_engine_memory_bytes', { engine: 'node-1' })).toBe(4 * 2 ** 30);
    // A created container holds its reservation (stopped ones do not, without swarm.reservestopped).
    expect(m.value('shoal_engine_cpus_reserved', { engine: 'node-1' })).toBe(1);
    expect(m.value('shoal_engine_memory_reserved_bytes', { engine: 'node-1' })).toBe(256 * 2 ** 20);
    expect(m.value('shoal_engine_cpus_reserved', { engine: 'node-0' })).toBe(0);
    expect(m.value('shoal_scheduling_decisions_total', { result: 'placed' })).toBe(1);
    expect(m.value('shoal_leader')).toBe(1);
    // Two IDs, one route; the raw paths never become labels.
    const inspect = { method: 'GET', route: '/containers/{id}/json', status: '404' };
    expect(m.value('shoal_api_requests_total', inspect)).toBe(2);
    expect(m.value('shoal_api_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toContain('nope-1');
    expect(text).not.toContain('/no/such/path');
    const buckets = m.samples.filter(
      (s) =>
        s.name === 'shoal_api_request_duration_seconds_bucket' &&
        s.labels['route'] === '/containers/{id}/json',
    );
    expect(buckets.find((s) => s.labels['le'] === '+Inf')?.value).toBe(2);
  });

  it('counts a scheduling failure under the filter that rejected, and a reschedule', async () => {
    c = await fakeCluster([{}, {}], ['--engine-failure-retry', '1']);
    const [e0, e1] = c.engines;
    if (!e0 || !e1) throw new Error('engines');
    const before = await scrape(`${c.base}/metrics`);
    expect(before.value('shoal_scheduling_failures_total', { filter: 'constraint' })).toBeUndefined();
    expect(before.value('shoal_reschedules_total', { result: 'moved' })).toBe(0);

    const refused = await call(c.base, 'POST', '/containers/create?name=nowhere', {
      Image: 'busybox:local',
      Env: ['constraint:node==node-9'],
    });
    expect(refused.status).toBe(503);
    const failed = await scrape(`${c.base}/metrics`);
    expect(failed.value('shoal_scheduling_failures_total', { filter: 'constraint' })).toBe(1);
    expect(failed.value('shoal_scheduling_decisions_total', { result: 'failed' })).toBe(1);
    const create = { method: 'POST', route: '/containers/create', status: '503' };
    expect(failed.value('shoal_api_requests_total', create)).toBe(1);

    const created = await call(c.base, 'POST', '/containers/create?name=mover', {
      Image: 'busybox:local',
      Env: ['reschedule:on-node-failure', 'constraint:node==~node-0'],
    });
    expect(created.status, created.text).toBe(201);
    await e0.stop();
    await waitFor('moved to node-1', () => [...e1.containers.values()].find((x) => x.Name === '/mover'));
    const after = await waitFor('reschedule counted', async () => {
      const m = await scrape(`${c?.base}/metrics`);
      return m.value('shoal_reschedules_total', { result: 'moved' }) === 1 && m;
    });
    expect(after.value('shoal_engines', { state: 'unhealthy' })).toBe(1);
    expect(after.value('shoal_engine_up', { engine: 'node-0' })).toBe(0);
    expect(after.value('shoal_reschedules_total', { result: 'failed' })).toBe(0);
    // The failure is still counted once: counters never go back.
    expect(after.value('shoal_scheduling_failures_total', { filter: 'constraint' })).toBe(1);
  });

  it('--metrics-listen serves /metrics alone, over plain HTTP', async () => {
    c = await fakeCluster([{}], ['--metrics-listen', '127.0.0.1:0']);
    const url = c.manager.metricsUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const m = await scrape(url ?? '');
    expect(m.value('shoal_engines', { state: 'healthy' })).toBe(1);
    expect(m.types.get('process_cpu_seconds_total')).toBe('counter');
    expect((await fetch((url ?? '').replace('/metrics', '/info'))).status).toBe(404);
  });
});
