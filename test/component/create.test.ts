// Creating through the scheduler: image-affinity retry, swarm.createretry, the OS-type constraint, and
// whether stopped containers keep their reservations.
import { afterEach, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';

let c: FakeCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

const nodeOf = async (base: string, id: string) =>
  (await call<{ Node: { Name: string } }>(base, 'GET', `/containers/${id}/json`)).body.Node.Name;

it('retries with image affinity when another engine has the image (not kept), and pulls when none has it', async () => {
  c = await fakeCluster([{ images: ['busybox:local'] }, { images: ['busybox:local', 'only:1'] }]);
  for (let i = 0; i < 4; i++) {
    const r = await call<{ Id: string }>(c.base, 'POST', `/containers/create?name=img${i}`, {
      Image: 'only:1',
    });
    expect(r.status).toBe(201);
    expect(await nodeOf(c.base, r.body.Id)).toBe('node-1');
  }
  const labels = (
    await call<{ Config: { Labels: Record<string, string> } }>(c.base, 'GET', '/containers/img0/json')
  ).body.Config.Labels;
  expect(labels['com.docker.swarm.affinities']).toBeUndefined();
  // Pinned to an engine without the image: it is pulled there (as classic did), not placed elsewhere.
  const pinned = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=img-pinned', {
    Image: 'only:1',
    Env: ['constraint:node==node-0'],
  });
  expect(pinned.status).toBe(201);
  expect(await nodeOf(c.base, pinned.body.Id)).toBe('node-0');
  expect(c.engines[0]?.requests.some((r) => r.path.endsWith('/images/create'))).toBe(true);
});

it('retries a failed create elsewhere up to swarm.createretry times', async () => {
  c = await fakeCluster([{}, {}], ['--cluster-opt', 'swarm.createretry=1']);
  const [e0, e1] = c.engines;
  if (!e0 || !e1) throw new Error('engines');
  e0.failCreates = 100;
  e1.failCreates = 0;
  for (let i = 0; i < 4; i++) {
    const r = await call<{ Id: string }>(c.base, 'POST', `/containers/create?name=retry${i}`, {
      Image: 'busybox:local',
    });
    expect(r.status).toBe(201);
  }
  e1.failCreates = 100;
  const both = await call<{ message: string }>(c.base, 'POST', '/containers/create?name=retry-fails', {
    Image: 'busybox:local',
  });
  expect(both.status).toBe(500);
  expect(both.body.message).toBe('fake engine: create failed');
});

it('without createretry the engine error reaches the client', async () => {
  c = await fakeCluster([{}]);
  const e0 = c.engines[0];
  if (!e0) throw new Error('engine');
  e0.failCreates = 1;
  expect((await call(c.base, 'POST', '/containers/create', { Image: 'busybox:local' })).status).toBe(500);
  expect((await call(c.base, 'POST', '/containers/create', { Image: 'busybox:local' })).status).toBe(201);
});

it('adds the OS-type constraint in a pool that mixes operating systems', async () => {
  c = await fakeCluster([
    { osType: 'windows', images: ['busybox:local'] },
    { osType: 'linux', images: ['busybox:local'] },
  ]);
  for (let i = 0; i < 4; i++) {
    const r = await call<{ Id: string }>(c.base, 'POST', `/containers/create?name=os${i}`, {
      Image: 'busybox:local',
    });
    expect(await nodeOf(c.base, r.body.Id)).toBe('node-0');
  }
});

it('does not reserve for stopped containers by default; swarm.reservestopped=true does, as classic', async () => {
  const stopped = {
    Status: 'exited',
    Running: false,
    Paused: false,
    ExitCode: 0,
    StartedAt: '2026-01-01T00:00:00Z',
    FinishedAt: '2026-01-01T00:01:00Z',
  };
  const reserved = async (extra: string[]) => {
    c = await fakeCluster([{}], extra);
    c.engines[0]?.addContainer('idle', { State: stopped, HostConfig: { Memory: 512 * 1024 * 1024 } });
    const line = await waitFor('listed', async () => {
      const info = await call<{ SystemStatus: [string, string][]; Containers: number }>(
        c?.base ?? '',
        'GET',
        '/info',
      );
      return info.body.Containers === 1
        ? info.body.SystemStatus.find(([k]) => k === '  └ Reserved Memory')?.[1]
        : undefined;
    });
    await c.stop();
    c = undefined;
    return line;
  };
  expect(await reserved([])).toBe('0 B / 2.1 GiB');
  expect(await reserved(['--cluster-opt', 'swarm.reservestopped=true'])).toBe('512 MiB / 2.1 GiB');
});

// The engine's own texts (Docker 20.10 decodes into ContainerConfigWrapper); it answers 500, Shoal 400.
it("answers a create body of the wrong shape with 400 and Go's unmarshal text", async () => {
  c = await fakeCluster([{}]);
  const r = await call<{ message: string }>(c.base, 'POST', '/containers/create?name=bad', { Image: 5 });
  expect(r).toMatchObject({
    status: 400,
    body: {
      message:
        'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string',
    },
  });
  const env = await call<{ message: string }>(c.base, 'POST', '/containers/create', { Image: 'x', Env: 'a' });
  expect(env.status).toBe(400);
  expect(env.body.message).toBe(
    'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.Env of type []string',
  );
});
