// The cluster view at /shoal/ in front of fake engines: its files, the state it shows (engines, containers,
// decisions with their reasons) and the live stream that tells the page to read it again.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterState } from '../../src/view/state.js';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';

let c: FakeCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

/** Reads a Server-Sent Events stream until `done` says enough; the events seen, by name. */
async function readEvents(
  url: string,
  done: (events: { event: string; data: unknown }[]) => boolean,
  started: () => Promise<void>,
): Promise<{ event: string; data: unknown }[]> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const events: { event: string; data: unknown }[] = [];
  let text = '';
  let kicked = false;
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += Buffer.from(value).toString();
      let end;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: JSON.parse(data ?? 'null') as unknown });
      }
      if (!kicked && events.some((e) => e.event === 'hello')) {
        kicked = true;
        await started();
      }
    }
  } finally {
    abort.abort();
  }
  return events;
}

describe('the cluster view', () => {
  it('serves its page and files, and nothing else under /shoal/', async () => {
    c = await fakeCluster([{}]);
    const bare = await fetch(`${c.base}/shoal`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/shoal/']);
    const page = await fetch(`${c.base}/shoal/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="app.js" defer></script>');
    for (const [file, type] of [
      ['app.js', 'text/javascript'],
      ['style.css', 'text/css'],
    ] as const) {
      const res = await fetch(`${c.base}/shoal/${file}`);
      expect([res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([200, type]);
    }
    for (const path of ['/shoal/state.ts', '/shoal/..%2Fstate.ts', '/shoal/api/nope']) {
      const res = await call(c.base, 'GET', path);
      expect([path, res.status]).toEqual([path, 404]);
    }
    const post = await call(c.base, 'POST', '/shoal/api/state');
    expect(post.status).toBe(404);
  });

  it('shows every engine with its labels and reservations, its containers, and why each went there', async () => {
    c = await fakeCluster([
      { labels: ['zone=a'], cpus: 4 },
      { labels: ['zone=b'], cpus: 2 },
    ]);
    const made = await call(c.base, 'POST', '/containers/create?name=web', {
      Image: 'busybox:local',
      HostConfig: { NanoCpus: 5e8 },
      Env: ['constraint:zone==b'],
    });
    expect(made.status, made.text).toBe(201);
    const refused = await call(c.base, 'POST', '/containers/create?name=nowhere', {
      Image: 'busybox:local',
      Env: ['constraint:zone==z'],
    });
    expect(refused.status).toBe(503);
    const { status, body } = await call<ClusterState>(c.base, 'GET', '/shoal/api/state');
    expect(status).toBe(200);
    expect(body.manager).toMatchObject({ role: 'primary', strategy: 'spread' });
    expect(body.engines.map((e) => [e.name, e.state, e.labels])).toEqual([
      ['node-0', 'Healthy', { zone: 'a' }],
      ['node-1', 'Healthy', { zone: 'b' }],
    ]);
    const node1 = body.engines[1];
    expect(node1).toMatchObject({ cpus: 2, reservedCpus: 0.5, containerCount: 1 });
    expect(node1?.builtinLabels).toHaveProperty('ostype', 'linux');
    expect(node1?.containers.map((x) => [x.name, x.state, x.cpus])).toEqual([['web', 'created', 0.5]]);
    const [failed, placed] = body.decisions;
    expect(placed).toMatchObject({ name: 'web', ok: true, engine: 'node-1', eligible: ['node-1'] });
    expect(placed?.reason).toBe(
      'node-1 was the only eligible engine of 2; constraint rejected node-0; conditions: zone==b',
    );
    expect(failed).toMatchObject({ name: 'nowhere', ok: false, filter: 'constraint' });
    expect(failed?.reason).toBe(refused.body && (refused.body as { message: string }).message);
    expect(failed?.rejected.map((r) => [r.node, r.filter, r.reason])).toEqual([
      ['node-0', 'constraint', 'constraint zone==z does not hold (zone=a)'],
      ['node-1', 'constraint', 'constraint zone==z does not hold (zone=b)'],
    ]);
  });

  it("shows a service's tasks on their engines, and the service with its replicas", async () => {
    c = await fakeCluster([{}, {}]);
    const made = await call<{ ID: string }>(c.base, 'POST', '/v1.41/services/create', {
      Name: 'web',
      TaskTemplate: { ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '1000'] } },
      Mode: { Replicated: { Replicas: 2 } },
    });
    expect(made.status, made.text).toBe(201);
    const base = c.base;
    const state = await waitFor('2 tasks running', async () => {
      const { body } = await call<ClusterState>(base, 'GET', '/shoal/api/state');
      return body.services[0]?.running === 2 && body;
    });
    expect(state.services).toEqual([
      { id: made.body.ID, name: 'web', mode: 'replicated', replicas: 2, running: 2 },
    ]);
    const tasks = state.engines.flatMap((e) => e.tasks.map((t) => [e.name, t.name, t.state]));
    expect(tasks.map(([, name]) => name).sort()).toEqual(['web.1', 'web.2']);
    expect(tasks.every(([, , st]) => st === 'running')).toBe(true);
    // Each task's container is on the task's engine, and says which task it is.
    for (const e of state.engines)
      for (const t of e.tasks) expect(e.containers.find((x) => x.id === t.container)?.task).toBe(t.name);
    expect(state.decisions.filter((d) => d.serviceId === made.body.ID)).toHaveLength(2);
  });

  it('streams cluster events and decisions as they happen', async () => {
    c = await fakeCluster([{}, {}]);
    const base = c.base;
    const events = await readEvents(
      `${base}/shoal/api/events`,
      (seen) => seen.some((e) => e.event === 'decision') && seen.some((e) => e.event === 'docker'),
      async () => {
        const made = await call(base, 'POST', '/containers/create?name=live', { Image: 'busybox:local' });
        expect(made.status).toBe(201);
      },
    );
    expect(events[0]?.event).toBe('hello');
    expect(events.find((e) => e.event === 'decision')?.data).toEqual({ seq: 1 });
    expect(events.find((e) => e.event === 'docker')?.data).toMatchObject({
      type: 'container',
      action: 'create',
      name: 'live',
    });
    // The stream's subscription goes when the client leaves.
    await waitFor('subscriber gone', () => c?.manager.hub.listeners === 0);
  });
});
