// The API front over real sockets, in front of fake engines that speak Docker's HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { runningState } from '../support/fake-engine.js';
import { call, demux, readAll, upgrade } from '../support/http.js';

interface Summary {
  Id: string;
  Names: string[];
  Status: string;
  Ports: { IP?: string; PublicPort?: number }[];
}

let c: FakeCluster;

beforeAll(async () => {
  c = await fakeCluster([{ apiVersion: '1.43' }, { apiVersion: '1.41' }]);
});
afterAll(async () => {
  await c.stop();
});

describe('system endpoints', () => {
  it('answers HEAD and GET /_ping with the pool API version and Docker headers', async () => {
    const head = await fetch(`${c.base}/_ping`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('api-version')).toBe('1.41');
    expect(head.headers.get('ostype')).toBe('linux');
    expect(head.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    const get = await call(c.base, 'GET', '/_ping');
    expect(get.text).toBe('OK');
  });

  it('derives /version from the engines and accepts versioned and unversioned paths', async () => {
    const v = await call<{
      ApiVersion: string;
      MinAPIVersion: string;
      Version: string;
      Components: { Name: string; Version: string }[];
    }>(c.base, 'GET', '/version');
    expect(v.body.ApiVersion).toBe('1.41');
    // Classic's `swarm/1.2.9`, by which tools recognise classic Swarm, then Shoal's own version.
    expect(v.body.Version).toMatch(/^swarm\/1\.2\.9\+shoal\.\d+\.\d+\.\d+/);
    // `docker version` prints the Engine component's version.
    expect(v.body.Components[0]).toMatchObject({ Name: 'Engine', Version: v.body.Version });
    const v2 = await call(c.base, 'GET', '/v1.41/version');
    expect(v2.status).toBe(200);
  });

  it('refuses a client version above the advertised one, with the engine text', async () => {
    const r = await call<{ message: string }>(c.base, 'GET', '/v1.52/info');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('client version 1.52 is too new. Maximum supported API version is 1.41');
  });

  it('shows classic per-node lines in /info', async () => {
    const r = await call<{ SystemStatus: [string, string][]; NCPU: number; ServerVersion: string }>(
      c.base,
      'GET',
      '/info',
    );
    const status = r.body.SystemStatus;
    expect(status).toContainEqual(['Nodes', '2']);
    expect(status).toContainEqual(['Role', 'primary']);
    expect(status).toContainEqual([' node-0', c.engines[0]?.addr]);
    expect(status.filter(([k, v]) => k === '  └ Status' && v === 'Healthy')).toHaveLength(2);
    for (const key of [
      '  └ ID',
      '  └ Containers',
      '  └ Reserved CPUs',
      '  └ Reserved Memory',
      '  └ Labels',
      '  └ UpdatedAt',
      '  └ ServerVersion',
    ]) {
      expect(status.some(([k]) => k === key)).toBe(true);
    }
    expect(r.body.NCPU).toBe(4);
    expect(r.body.ServerVersion).toMatch(/^swarm\/1\.2\.9\+shoal\./);
  });
});

describe('errors', () => {
  it('answers unknown routes with a JSON 404', async () => {
    const r = await call<{ message: string }>(c.base, 'GET', '/v1.41/nope');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: 'page not found' });
  });

  it('names an endpoint that is not built yet in a 501', async () => {
    const r = await call<{ message: string }>(c.base, 'GET', '/v1.41/plugins');
    expect(r.status).toBe(501);
    expect(r.body.message).toBe('GET /plugins is not supported by Shoal yet');
  });

  it('rejects malformed JSON, wrong types, huge bodies and bad filters with 4xx and keeps serving', async () => {
    expect((await call(c.base, 'POST', '/containers/create', '{bad')).status).toBe(400);
    expect((await call(c.base, 'POST', '/containers/create', '[1]')).status).toBe(400);
    expect((await call(c.base, 'POST', '/containers/create', { Image: 5 })).status).toBe(400);
    expect(
      (await call(c.base, 'POST', '/containers/create', { Image: 'busybox:local', Env: 'x' })).status,
    ).toBe(400);
    expect((await call(c.base, 'POST', '/containers/create', 'x'.repeat(9 * 1024 * 1024))).status).toBe(413);
    const f = await call<{ message: string }>(
      c.base,
      'GET',
      `/containers/json?filters=${encodeURIComponent('{"status":["bogus"]}')}`,
    );
    expect(f.status).toBe(400);
    expect(f.body.message).toBe("Invalid filter 'status=bogus'");
    expect(
      (await call(c.base, 'GET', `/containers/json?filters=${encodeURIComponent('{"nope":["x"]}')}`)).status,
    ).toBe(400);
    expect((await call(c.base, 'GET', `/containers/json?filters=%7Bbad`)).status).toBe(400);
    expect((await call(c.base, 'GET', '/_ping')).status).toBe(200);
  });

  it('says No such container for unknown IDs', async () => {
    const r = await call<{ message: string }>(c.base, 'POST', '/containers/nosuch/start');
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('No such container: nosuch');
  });
});

describe('containers', () => {
  it('spreads creates over the engines and lists them under their node', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call<{ Id: string }>(c.base, 'POST', `/containers/create?name=spread${i}`, {
        Image: 'busybox:local',
      });
      expect(r.status).toBe(201);
      ids.push(r.body.Id);
    }
    expect(
      c.engines.map((e) => [...e.containers.values()].filter((x) => x.Name.startsWith('/spread')).length),
    ).toEqual([2, 2]);
    const list = await call<Summary[]>(c.base, 'GET', '/containers/json?all=1');
    const names = list.body.flatMap((s) => s.Names);
    expect(names.filter((n) => /^\/node-[01]\/spread\d$/.test(n))).toHaveLength(4);
  });

  it("keeps names unique across the cluster, with Docker's 409 text", async () => {
    await call(c.base, 'POST', '/containers/create?name=unique1', { Image: 'busybox:local' });
    const r = await call<{ message: string }>(c.base, 'POST', '/containers/create?name=unique1', {
      Image: 'busybox:local',
    });
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(
      /^Conflict\. The container name "\/unique1" is already in use by container "[0-9a-f]{64}"\./,
    );
  });

  it('gives exactly one of many concurrent creates with the same name', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(c.base, 'POST', '/containers/create?name=race', { Image: 'busybox:local' }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
  });

  it('finds containers by name, ID prefix and node/name; an ambiguous name finds nothing', async () => {
    const r = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=findme', {
      Image: 'busybox:local',
    });
    const id = r.body.Id;
    const node = (await call<{ Node: { Name: string } }>(c.base, 'GET', '/containers/findme/json')).body.Node
      .Name;
    for (const ref of ['findme', id.slice(0, 12), id.slice(0, 5), `${node}/findme`, id]) {
      const got = await call<{ Id: string }>(c.base, 'GET', `/containers/${encodeURIComponent(ref)}/json`);
      expect(got.body.Id, ref).toBe(id);
    }
    c.engines[0]?.addContainer('twin');
    c.engines[1]?.addContainer('twin');
    await waitFor(
      'both twins cached',
      async () =>
        (await call<Summary[]>(c.base, 'GET', '/containers/json?all=1')).body.filter((s) =>
          s.Names.some((n) => n.endsWith('/twin')),
        ).length === 2,
    );
    expect((await call(c.base, 'GET', '/containers/twin/json')).status).toBe(404);
    expect((await call(c.base, 'GET', '/containers/node-1%2Ftwin/json')).status).toBe(200);
  });

  it('adds the Node object to inspect and the engine address to published ports', async () => {
    const r = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=web', {
      Image: 'busybox:local',
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } },
    });
    await call(c.base, 'POST', `/containers/${r.body.Id}/start`);
    const i = await call<{
      Node: {
        Name: string;
        IP: string;
        Addr: string;
        Cpus: number;
        Memory: number;
        Labels: object;
        ID: string;
      };
    }>(c.base, 'GET', '/containers/web/json');
    expect(Object.keys(i.body.Node).sort()).toEqual(['Addr', 'Cpus', 'ID', 'IP', 'Labels', 'Memory', 'Name']);
    expect(i.body.Node.IP).toBe('127.0.0.1');
    const ps = await call<Summary[]>(
      c.base,
      'GET',
      `/containers/json?filters=${encodeURIComponent('{"name":["^web$"]}')}`,
    );
    expect(ps.body[0]?.Ports[0]).toMatchObject({ IP: '127.0.0.1', PublicPort: 8080 });
  });

  it('shows a container made directly on an engine within a second, without asking engines per ps', async () => {
    const engine = c.engines[1];
    if (!engine) throw new Error('no engine');
    engine.addContainer('direct1', {
      State: runningState(),
    });
    const t0 = Date.now();
    await waitFor('direct1 listed', async () =>
      (await call<Summary[]>(c.base, 'GET', '/containers/json')).body.some((s) =>
        s.Names.includes('/node-1/direct1'),
      ),
    );
    expect(Date.now() - t0).toBeLessThan(1000);
    const before = c.engines.map((e) => e.requests.length);
    for (let i = 0; i < 20; i++) await call(c.base, 'GET', '/containers/json?all=1');
    expect(c.engines.map((e) => e.requests.length)).toEqual(before);
  });

  it('flushes /wait headers before the container exits', async () => {
    const r = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=waiter', {
      Image: 'busybox:local',
    });
    await call(c.base, 'POST', `/containers/${r.body.Id}/start`);
    const res = await fetch(`${c.base}/v1.41/containers/${r.body.Id}/wait`, { method: 'POST' });
    expect(res.status).toBe(200);
    await call(c.base, 'POST', `/containers/${r.body.Id}/kill`);
    expect(await res.json()).toEqual({ StatusCode: 137 });
  });

  it('filters by label, status, name and node', async () => {
    await call(c.base, 'POST', '/containers/create?name=lab1', {
      Image: 'busybox:local',
      Labels: { tier: 'web' },
    });
    const q = (f: object) => `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify(f))}`;
    expect(
      (await call<Summary[]>(c.base, 'GET', q({ label: ['tier=web'] }))).body.map((s) => s.Names[0]),
    ).toEqual([expect.stringMatching(/\/lab1$/)]);
    expect((await call<Summary[]>(c.base, 'GET', q({ label: { tier: true } }))).body).toHaveLength(1);
    const node0 = (await call<Summary[]>(c.base, 'GET', q({ node: ['node-0'] }))).body;
    expect(node0.length).toBeGreaterThan(0);
    expect(node0.every((s) => s.Names[0]?.startsWith('/node-0/'))).toBe(true);
    const running = (await call<Summary[]>(c.base, 'GET', q({ status: ['running'] }))).body;
    expect(running.every((s) => s.Status.startsWith('Up'))).toBe(true);
  });
});

describe('hijacked streams', () => {
  it('relays exec start: 101, the body first, stdin after, half-close as EOF, output until the end', async () => {
    const cr = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=execme', {
      Image: 'busybox:local',
    });
    const ex = await call<{ Id: string }>(c.base, 'POST', `/containers/${cr.body.Id}/exec`, {
      Cmd: ['cat'],
      AttachStdin: true,
    });
    expect(ex.status).toBe(201);
    const { socket, head, rest } = await upgrade(
      c.base,
      'POST',
      `/v1.41/exec/${ex.body.Id}/start`,
      '{"Detach":false,"Tty":false}',
    );
    expect(head).toMatch(/^HTTP\/1\.1 101 UPGRADED/);
    expect(head).toContain('Upgrade: tcp');
    const done = readAll(socket, rest);
    socket.write('hello\n');
    await new Promise((r) => setTimeout(r, 50));
    socket.end();
    expect(demux(await done)).toBe('hello\nbye\n');
    const info = await call<{ ExitCode: number }>(c.base, 'GET', `/exec/${ex.body.Id}/json`);
    expect(info.status).toBe(200);
  });

  it('forwards an exec body that arrives after the headers, before waiting for the upgrade', async () => {
    const cr = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=execlate', {
      Image: 'busybox:local',
    });
    const ex = await call<{ Id: string }>(c.base, 'POST', `/containers/${cr.body.Id}/exec`, {
      Cmd: ['true'],
    });
    const { socket, head, rest } = await upgrade(
      c.base,
      'POST',
      `/exec/${ex.body.Id}/start`,
      '{"Detach":false,"Tty":false}',
      { bodyDelayMs: 50 },
    );
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    const done = readAll(socket, rest);
    socket.end();
    expect(demux(await done)).toBe('bye\n');
  });

  it('relays attach and answers an unknown container with a JSON 404 on the raw socket', async () => {
    const cr = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=attachme', {
      Image: 'busybox:local',
    });
    const { socket, head, rest } = await upgrade(
      c.base,
      'POST',
      `/containers/attachme/attach?stream=1&stdin=1&stdout=1`,
    );
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    const done = readAll(socket, rest);
    socket.end('abc');
    expect(demux(await done)).toBe('abcbye\n');
    expect(cr.status).toBe(201);
    const bad = await upgrade(c.base, 'POST', '/containers/nosuch/attach?stream=1');
    expect(bad.head).toMatch(/^HTTP\/1\.1 404/);
    expect((await readAll(bad.socket, bad.rest)).toString()).toContain('No such container: nosuch');
  });
});
