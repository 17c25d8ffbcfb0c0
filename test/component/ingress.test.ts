// Published ports with fake engines: an ingress port served on the manager's loopback and balanced over
// the tasks (each fake engine reports the task's port as a loopback server of this test), following scale
// and removal; Endpoint.Ports; a port picked from 30000–32767; swarm's conflict error; host-mode ports
// bound by the tasks' containers, kept one task per engine, shown as PortStatus.
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { freePort } from '../support/free-port.js';
import { call } from '../support/http.js';

let cluster: FakeCluster | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

interface TaskJson {
  ID: string;
  NodeID?: string;
  DesiredState: string;
  Status: { State: string; Err?: string; PortStatus: { Ports?: unknown[] } };
}

const spec = (name: string, replicas: number, ports: unknown[]) => ({
  Name: name,
  TaskTemplate: {
    ContainerSpec: { Image: 'busybox:local', Args: ['httpd', '-f', '-p', '80'] },
    RestartPolicy: { Condition: 'any', Delay: 0 },
  },
  Mode: { Replicated: { Replicas: replicas } },
  EndpointSpec: { Mode: 'vip', Ports: ports },
});

const ingressPort = (published: number) => ({
  Protocol: 'tcp',
  TargetPort: 80,
  PublishedPort: published,
  PublishMode: 'ingress',
});

/** A stand-in for the task ports of one engine: answers every connection with the engine's name. */
async function taskPort(name: string): Promise<number> {
  const server = createServer((s) => s.end(name));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

/** What one connection to the published port gets ('' when closed at once, the error code if refused). */
function answer(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('close', () => resolve(out));
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

async function answers(port: number, n: number): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < n; i++) out.add(await answer(port));
  return out;
}

async function tasks(base: string, service: string): Promise<TaskJson[]> {
  const q = encodeURIComponent(JSON.stringify({ service: { [service]: true } }));
  return (await call<TaskJson[]>(base, 'GET', `/v1.41/tasks?filters=${q}`)).body;
}

async function running(base: string, service: string, n: number): Promise<TaskJson[]> {
  return waitFor(`${n} running tasks of ${service}`, async () => {
    const up = (await tasks(base, service)).filter(
      (t) => t.DesiredState === 'running' && t.Status.State === 'running',
    );
    return up.length === n ? up : undefined;
  });
}

describe('ingress ports', () => {
  it('are served by the manager over the running tasks, and follow scale and removal', async () => {
    cluster = await fakeCluster([{}, {}, {}]);
    const { base, engines, manager } = cluster;
    for (const [i, e] of engines.entries()) {
      const port = await taskPort(`node-${i}`);
      e.ephemeralPort = () => port;
    }
    const published = await freePort();
    const made = await call(base, 'POST', '/v1.41/services/create', spec('web', 3, [ingressPort(published)]));
    expect(made.status, made.text).toBe(201);
    await running(base, 'web', 3);
    // Each task publishes its target port on a port its engine picks.
    for (const e of engines)
      for (const c of e.containers.values())
        expect(c.HostConfig['PortBindings']).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '' }] });
    await waitFor('every task answering', async () => (await answers(published, 6)).size === 3);
    expect(await manager.ingress?.listening()).toEqual([`${published}/tcp`]);

    const inspect = await call<{ Endpoint: unknown }>(base, 'GET', '/v1.41/services/web');
    expect(inspect.body.Endpoint).toEqual({
      Spec: { Mode: 'vip', Ports: [ingressPort(published)] },
      Ports: [ingressPort(published)],
    });

    const svc = await call<{ Version: { Index: number }; Spec: Record<string, unknown> }>(
      base,
      'GET',
      '/v1.41/services/web',
    );
    // Scaled down and moved to another published port: the tasks stay as they are (same target port).
    const moved = await freePort();
    const scaled = {
      ...svc.body.Spec,
      Mode: { Replicated: { Replicas: 1 } },
      EndpointSpec: { Mode: 'vip', Ports: [ingressPort(moved)] },
    };
    const up = await call(
      base,
      'POST',
      `/v1.41/services/web/update?version=${svc.body.Version.Index}`,
      scaled,
    );
    expect(up.status, up.text).toBe(200);
    const t0 = Date.now();
    await waitFor('one task answering', async () => (await answers(moved, 6)).size === 1);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await answer(published)).toBe('ECONNREFUSED');
    const q = encodeURIComponent(JSON.stringify({ '_up-to-date': { true: true } }));
    const upToDate = await call<TaskJson[]>(base, 'GET', `/v1.41/tasks?filters=${q}`);
    expect(upToDate.body.filter((t) => t.DesiredState === 'running')).toHaveLength(1);

    expect((await call(base, 'DELETE', '/v1.41/services/web')).status).toBe(200);
    await waitFor('the port closed', async () => (await answer(moved)) === 'ECONNREFUSED', 2000);
    expect(await manager.ingress?.listening()).toEqual([]);
  });

  it('a task whose process dies leaves the balance at once (no connection fails), its replacement joins', async () => {
    cluster = await fakeCluster([{}, {}]);
    const { base, engines } = cluster;
    // A port per task container, answering with the container's ID, handed out as the engines start them.
    const spare = await Promise.all(Array.from({ length: 6 }, (_, i) => taskPort(`spare-${i}`)));
    const byContainer = new Map<string, { port: number; server: Server }>();
    for (const e of engines)
      e.ephemeralPort = (c) => {
        const server = createServer((s) => s.end(c.Id));
        servers.push(server);
        const port = spare.shift() ?? 0;
        server.listen(port, '127.0.0.1');
        byContainer.set(c.Id, { port, server });
        return port;
      };
    for (const srv of servers.splice(0)) await new Promise((r) => srv.close(r));
    const published = await freePort();
    await call(base, 'POST', '/v1.41/services/create', spec('web', 2, [ingressPort(published)]));
    const before = await running(base, 'web', 2);
    const ids = () => [...byContainer.keys()];
    await waitFor('both answering', async () => (await answers(published, 4)).size === 2);
    const victim = engines[0];
    const dead = [...(victim?.containers.values() ?? [])][0]?.Id ?? '';
    // The task's process goes first (its port refuses), then the engine reports the container dead.
    await new Promise((r) => byContainer.get(dead)?.server.close(r));
    const during = await answers(published, 6);
    const killed = await fetch(`http://${victim?.addr}/v1.41/containers/${dead}/kill`, { method: 'POST' });
    expect(killed.status).toBe(204);
    for (let i = 0; i < 20; i++) for (const a of await answers(published, 2)) during.add(a);
    expect(
      [...during].every((a) => ids().includes(a) && a !== dead),
      [...during].join(),
    ).toBe(true);
    await waitFor('a replacement running', async () => {
      const up = await running(base, 'web', 2);
      return up.some((t) => !before.some((b) => b.ID === t.ID));
    });
    await waitFor('the replacement answering', async () => {
      const got = await answers(published, 4);
      return got.size === 2 && !got.has(dead);
    });
  });

  it('picks a published port of 0 from 30000–32767 and refuses one already in use, as swarm does', async () => {
    cluster = await fakeCluster([{}]);
    const { base } = cluster;
    const a = await call<{ ID: string }>(
      base,
      'POST',
      '/v1.41/services/create',
      spec('a', 0, [ingressPort(0)]),
    );
    expect(a.status, a.text).toBe(201);
    const inspect = await call<{ Endpoint: { Ports: { PublishedPort: number }[]; Spec: unknown } }>(
      base,
      'GET',
      '/v1.41/services/a',
    );
    expect(inspect.body.Endpoint.Ports).toEqual([ingressPort(30000)]);
    expect(inspect.body.Endpoint.Spec).toEqual({ Mode: 'vip', Ports: [ingressPort(0)] });
    const b = await call(base, 'POST', '/v1.41/services/create', spec('b', 0, [ingressPort(30000)]));
    expect(b.status).toBe(400);
    expect(b.body).toEqual({
      message: `rpc error: code = InvalidArgument desc = port '30000' is already in use by service 'a' (${a.body.ID}) as an ingress port`,
    });
    const list = await call<{ Endpoint: { Ports?: unknown[] } }[]>(
      base,
      'GET',
      '/v1.41/services?status=true',
    );
    expect(list.body.map((s) => s.Endpoint.Ports)).toEqual([[ingressPort(30000)]]);
  });
});

describe('host-mode ports', () => {
  it('are bound by the task containers, one task per engine, and shown as PortStatus', async () => {
    cluster = await fakeCluster([{}, {}]);
    const { base, engines } = cluster;
    const host = { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' };
    const made = await call(base, 'POST', '/v1.41/services/create', spec('h', 3, [host]));
    expect(made.status, made.text).toBe(201);
    const up = await running(base, 'h', 2);
    expect(new Set(up.map((t) => t.NodeID)).size).toBe(2);
    for (const t of up) expect(t.Status.PortStatus).toEqual({ Ports: [host] });
    const pending = await waitFor('the third pending', async () =>
      (await tasks(base, 'h')).find((t) => t.Status.State === 'pending' && t.Status.Err),
    );
    expect(pending.Status.Err).toMatch(/host-mode port already in use on 2 nodes/);
    expect(pending.Status.PortStatus).toEqual({});
    for (const e of engines)
      for (const c of e.containers.values())
        expect(c.HostConfig['PortBindings']).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }] });

    // A task that ended frees its port for its successor on the same engine (its container stays, stopped).
    const victim = engines[0];
    const cid = [...(victim?.containers.values() ?? [])].find((c) => c.State.Running)?.Id;
    await fetch(`http://${victim?.addr}/v1.41/containers/${cid}/kill`, { method: 'POST' });
    await waitFor('a successor running beside the stopped container', () =>
      [...(victim?.containers.values() ?? [])].some((c) => c.State.Running && c.Id !== cid),
    );
  });
});
