// Swarm mode's nodes and swarm object with fake engines: node ls/inspect/update/rm, versions, an engine that
// dies, specs kept across a manager restart on the same store, /swarm, /info's Swarm, the ping header.
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import type { DockerNode } from '../../src/nodes/node-object.js';
import { FakeConsul } from '../support/fake-consul.js';
import { FakeEngine } from '../support/fake-engine.js';
import { freePort } from '../support/free-port.js';
import { call } from '../support/http.js';
import { tempStore, type TempStore } from '../support/temp-store.js';
import { waitFor } from '../support/wait.js';

let engines: FakeEngine[] = [];
let managers: Manager[] = [];
let store: TempStore | undefined;

afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await Promise.all(engines.map((e) => e.stop()));
  store?.remove();
  managers = [];
  engines = [];
  store = undefined;
});

async function startEngines(n: number): Promise<FakeEngine[]> {
  setLogSink(() => undefined);
  store = tempStore();
  engines = Array.from(
    { length: n },
    (_, i) => new FakeEngine({ name: `node-${i}`, labels: [`zone=${'abc'[i]}`], cpus: 2 + i }),
  );
  await Promise.all(engines.map((e) => e.start()));
  return engines;
}

/** A manager on the test's store file, in front of every engine, once they are all healthy. */
async function manage(): Promise<{ manager: Manager; base: string }> {
  const manager = await startManager(
    parseManageArgs([
      '-H',
      'tcp://127.0.0.1:0',
      '--engine-refresh-min-interval',
      '1s',
      '--engine-refresh-max-interval',
      '1s',
      '--engine-failure-retry',
      '1',
      '--network-pool',
      '198.19.96.0/19',
      ...(store?.args ?? []),
      engines.map((e) => e.addr).join(','),
    ]),
  );
  managers.push(manager);
  await waitFor('engines healthy', () => manager.pool.healthy().length === engines.length);
  return { manager, base: (manager.urls()[0] ?? '').replace('tcp://', 'http://') };
}

async function nodes(base: string, filters?: unknown): Promise<DockerNode[]> {
  const q = filters === undefined ? '' : `?filters=${encodeURIComponent(JSON.stringify(filters))}`;
  const r = await call<DockerNode[]>(base, 'GET', `/v1.41/nodes${q}`);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

async function node(base: string, ref: string): Promise<DockerNode> {
  const r = await call<DockerNode>(base, 'GET', `/v1.41/nodes/${ref}`);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

function update(base: string, n: DockerNode, spec: Partial<DockerNode['Spec']>, version = n.Version.Index) {
  return call<{ message: string }>(base, 'POST', `/v1.41/nodes/${n.ID}/update?version=${version}`, {
    ...n.Spec,
    ...spec,
  });
}

describe('nodes', () => {
  it('lists each engine as a worker and Shoal as the leading manager, with Docker’s fields', async () => {
    const [e0] = await startEngines(3);
    const { base } = await manage();
    const list = await nodes(base);
    expect(list.map((n) => n.Description.Hostname).sort()).toEqual(
      ['node-0', 'node-1', 'node-2', hostname()].sort(),
    );
    for (const n of list) expect(n.ID).toMatch(/^[0-9a-z]{25}$/);
    const managers = list.filter((n) => n.Spec.Role === 'manager');
    expect(managers).toHaveLength(1);
    expect(managers[0]).toMatchObject({
      Spec: { Role: 'manager', Availability: 'drain' },
      Status: { State: 'ready', Addr: '127.0.0.1' },
      ManagerStatus: { Leader: true, Reachability: 'reachable' },
    });
    const n0 = list.find((n) => n.Description.Hostname === 'node-0');
    expect(n0).toMatchObject({
      Version: { Index: expect.any(Number) as number },
      Spec: { Labels: {}, Role: 'worker', Availability: 'active' },
      Description: {
        Hostname: 'node-0',
        Platform: { Architecture: 'x86_64', OS: 'linux' },
        Resources: { NanoCPUs: 2e9, MemoryBytes: 2 * 1024 ** 3 },
        Engine: {
          EngineVersion: '20.10.24-fake',
          Labels: { zone: 'a' },
          Plugins: expect.arrayContaining([{ Type: 'Volume', Name: 'local' }]) as unknown,
        },
      },
      Status: { State: 'ready', Addr: '127.0.0.1' },
    });
    expect(n0?.ManagerStatus).toBeUndefined();
    expect(n0?.Version.Index).toBeGreaterThan(0);
    expect(Date.parse(n0?.CreatedAt ?? '')).not.toBeNaN();
    // The same ID on every call, derived from the engine's ID.
    expect((await nodes(base)).find((n) => n.ID === n0?.ID)).toBeDefined();
    expect(e0?.id).not.toBe(n0?.ID);
  });

  it('finds a node by ID, hostname or ID prefix, with Docker’s texts when it cannot', async () => {
    await startEngines(2);
    const { base } = await manage();
    const n1 = await node(base, 'node-1');
    expect((await node(base, n1.ID)).Description.Hostname).toBe('node-1');
    expect((await node(base, n1.ID.slice(0, 6))).ID).toBe(n1.ID);
    const missing = await call<{ message: string }>(base, 'GET', '/v1.41/nodes/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('node nope not found');
    const all = await call<{ message: string }>(base, 'GET', '/v1.41/nodes/%20');
    expect(all.status).toBe(404);
  });

  it('filters by role, name, id, engine label and node label; refuses unknown keys', async () => {
    await startEngines(3);
    const { base } = await manage();
    expect((await nodes(base, { role: { manager: true } })).map((n) => n.Spec.Role)).toEqual(['manager']);
    expect(await nodes(base, { role: { worker: true } })).toHaveLength(3);
    expect((await nodes(base, { name: { 'node-': true } })).length).toBe(3);
    expect((await nodes(base, { label: ['zone=b'] })).map((n) => n.Description.Hostname)).toEqual(['node-1']);
    expect(await nodes(base, { label: ['zone'] })).toHaveLength(3);
    expect(await nodes(base, { membership: ['accepted'] })).toHaveLength(4);
    const n2 = await node(base, 'node-2');
    expect((await nodes(base, { id: [n2.ID.slice(0, 8)] })).map((n) => n.ID)).toEqual([n2.ID]);
    expect((await update(base, n2, { Labels: { tier: 'front' } })).status).toBe(200);
    expect((await nodes(base, { 'node.label': ['tier=front'] })).map((n) => n.ID)).toEqual([n2.ID]);
    expect(await nodes(base, { 'node.label': ['tier=back'] })).toEqual([]);
    const bad = await call<{ message: string }>(base, 'GET', '/nodes?filters={"color":["x"]}');
    expect([bad.status, bad.body.message]).toEqual([400, "Invalid filter 'color'"]);
    const role = await call<{ message: string }>(base, 'GET', '/nodes?filters={"role":["boss"]}');
    expect([role.status, role.body.message]).toEqual([400, "Invalid role filter: 'boss'"]);
  });

  it('updates labels and availability with the version read, bumping it; the scheduler sees them', async () => {
    await startEngines(2);
    const { manager, base } = await manage();
    const before = await node(base, 'node-0');
    const r = await update(base, before, { Labels: { zone: 'x' }, Availability: 'drain' });
    expect(r.status, r.text).toBe(200);
    const after = await node(base, 'node-0');
    expect(after.Spec).toEqual({ Labels: { zone: 'x' }, Role: 'worker', Availability: 'drain' });
    expect(after.Version.Index).toBeGreaterThan(before.Version.Index);
    expect(Date.parse(after.UpdatedAt)).toBeGreaterThanOrEqual(Date.parse(before.UpdatedAt));
    const snap = manager.pool.snapshot().find((s) => s.name === 'node-0');
    expect(snap).toMatchObject({ nodeId: after.ID, nodeLabels: { zone: 'x' }, availability: 'drain' });
    // Engine labels stay what the engine says; the platform is the node's (for node.platform.* constraints).
    expect(snap?.labels['zone']).toBe('a');
    const { OS, Architecture } = after.Description.Platform;
    expect(snap?.platform).toEqual({ os: OS, arch: Architecture });
    expect(OS).toBe('linux');
    // A classic container still goes to a drained node (drain is for service tasks, as in swarm mode).
    const run = await call(base, 'POST', '/containers/create?name=pinned', {
      Image: 'busybox:local',
      Env: ['constraint:node==node-0'],
    });
    expect(run.status, run.text).toBe(201);
  });

  it('refuses a stale or missing version, a manager role and bad values with Docker’s texts', async () => {
    await startEngines(2);
    const { base } = await manage();
    const n = await node(base, 'node-1');
    expect((await update(base, n, { Labels: { a: '1' } })).status).toBe(200);
    const stale = await update(base, n, { Labels: { a: '2' } });
    expect([stale.status, stale.body.message]).toEqual([
      500,
      'rpc error: code = Unknown desc = update out of sequence',
    ]);
    const none = await call<{ message: string }>(base, 'POST', `/nodes/${n.ID}/update`, n.Spec);
    expect([none.status, none.body.message]).toEqual([
      400,
      `invalid node version '': strconv.ParseUint: parsing "": invalid syntax`,
    ]);
    const fresh = await node(base, 'node-1');
    const promote = await update(base, fresh, { Role: 'manager' });
    expect(promote.status).toBe(400);
    expect(promote.body.message).toMatch(/is an engine of Shoal's pool and stays a worker/);
    const avail = await update(base, fresh, { Availability: 'sleepy' as 'drain' });
    expect([avail.status, avail.body.message]).toEqual([400, 'invalid Availability: "sleepy"']);
    const mgr = (await nodes(base, { role: ['manager'] }))[0] as DockerNode;
    const onManager = await update(base, mgr, { Labels: { a: 'b' } });
    expect(onManager.status).toBe(400);
    expect(onManager.body.message).toMatch(/is Shoal's manager/);
    expect((await node(base, 'node-1')).Version.Index).toBe(fresh.Version.Index);
  });

  it('keeps node specs across a manager restart on the same store', async () => {
    await startEngines(2);
    const first = await manage();
    const n = await node(first.base, 'node-1');
    expect((await update(first.base, n, { Labels: { rack: 'r1' }, Availability: 'pause' })).status).toBe(200);
    const updated = await node(first.base, 'node-1');
    const swarm = (await call<{ ID: string; CreatedAt: string }>(first.base, 'GET', '/swarm')).body;
    const mgrId = (await nodes(first.base, { role: ['manager'] }))[0]?.ID;
    await first.manager.stop();
    managers = [];
    const second = await manage();
    const again = await node(second.base, 'node-1');
    expect(again).toMatchObject({
      ID: updated.ID,
      Version: updated.Version,
      CreatedAt: updated.CreatedAt,
      Spec: { Labels: { rack: 'r1' }, Availability: 'pause' },
    });
    expect(second.manager.pool.snapshot().find((s) => s.name === 'node-1')).toMatchObject({
      nodeLabels: { rack: 'r1' },
      availability: 'pause',
    });
    const swarm2 = (await call<{ ID: string; CreatedAt: string }>(second.base, 'GET', '/swarm')).body;
    expect(swarm2).toMatchObject({ ID: swarm.ID, CreatedAt: swarm.CreatedAt });
    expect((await nodes(second.base, { role: ['manager'] }))[0]?.ID).toBe(mgrId);
  });

  it('an engine that dies is a down node; only then can it be removed, and it comes back when it returns', async () => {
    const [, e1] = await startEngines(2);
    if (!e1) throw new Error('engines');
    const { manager, base } = await manage();
    const n = await node(base, 'node-1');
    const ready = await call<{ message: string }>(base, 'DELETE', `/nodes/${n.ID}`);
    expect([ready.status, ready.body.message]).toEqual([
      400,
      `rpc error: code = FailedPrecondition desc = node ${n.ID} is not down and can't be removed`,
    ]);
    const forced = await call<{ message: string }>(base, 'DELETE', `/nodes/${n.ID}?force=1`);
    expect(forced.status).toBe(400);
    expect(forced.body.message).toMatch(/Take the engine out of the discovery first/);
    const mgr = (await nodes(base, { role: ['manager'] }))[0] as DockerNode;
    const rmManager = await call<{ message: string }>(base, 'DELETE', `/nodes/${mgr.ID}`);
    expect(rmManager.body.message).toMatch(/is a cluster manager and is a member of the raft cluster/);
    await e1.stop();
    await waitFor('node-1 down', () => manager.pool.healthy().length === 1);
    const down = await node(base, 'node-1');
    expect(down.Status.State).toBe('down');
    expect(down.Status.Message).toMatch(/^engine unhealthy/);
    expect(down.ID).toBe(n.ID);
    const rm = await call(base, 'DELETE', `/nodes/${n.ID}`);
    expect(rm.status, rm.text).toBe(200);
    expect((await nodes(base)).map((x) => x.ID)).not.toContain(n.ID);
    await e1.start(e1.port);
    await waitFor('node-1 back', async () =>
      (await nodes(base)).some((x) => x.ID === n.ID && x.Status.State === 'ready'),
    );
  });
});

describe('many engines at once', () => {
  it('records 40 engines that connect together in one batch, each with its own index, without conflicts', async () => {
    store = tempStore();
    engines = Array.from({ length: 40 }, (_, i) => new FakeEngine({ name: `n-${i}` }));
    await Promise.all(engines.map((e) => e.start()));
    const logged: string[] = [];
    setLogSink((l) => logged.push(l));
    const { manager, base } = await manage();
    await waitFor('all recorded', async () => (await manager.store.list('nodes/')).length === 40);
    const indices = (await nodes(base)).filter((n) => n.Spec.Role === 'worker').map((n) => n.Version.Index);
    expect(new Set(indices).size).toBe(40);
    expect(Math.min(...indices)).toBeGreaterThan(0);
    expect(logged.filter((l) => /level=(warning|error)/.test(l))).toEqual([]);
    // Read again after a restart: nothing to write (the records are up to date).
    const before = (await manager.store.read('meta/index'))?.version;
    await manager.stop();
    managers = [];
    const again = await manage();
    await nodes(again.base);
    expect((await again.manager.store.read('meta/index'))?.version).toBe(before);
  });
});

describe('the swarm', () => {
  it('GET /swarm is swarm mode’s object, its ID derived from the cluster, tokens unusable', async () => {
    await startEngines(1);
    const { base } = await manage();
    const r = await call<Record<string, unknown>>(base, 'GET', '/v1.41/swarm');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      ID: expect.stringMatching(/^[0-9a-z]{25}$/) as string,
      Version: { Index: expect.any(Number) as number },
      Spec: {
        Name: 'default',
        Orchestration: { TaskHistoryRetentionLimit: 5 },
        Raft: { SnapshotInterval: 10000, ElectionTick: 10, HeartbeatTick: 1 },
        Dispatcher: { HeartbeatPeriod: 5e9 },
        CAConfig: { NodeCertExpiry: 7776000000000000 },
        EncryptionConfig: { AutoLockManagers: false },
      },
      DefaultAddrPool: ['198.19.96.0/19'],
      JoinTokens: { Worker: expect.stringMatching(/^SWMTKN-1-unusable/) as string },
    });
    expect((await call(base, 'GET', '/swarm/unlockkey')).body).toEqual({ UnlockKey: '' });
  });

  it('/info has an active manager’s Swarm section, classic’s status lines unchanged', async () => {
    await startEngines(2);
    const { base } = await manage();
    const info = await call<{ Swarm: Record<string, unknown>; SystemStatus: [string, string][] }>(
      base,
      'GET',
      '/v1.41/info',
    );
    const swarm = (await call<{ ID: string }>(base, 'GET', '/swarm')).body;
    const mgr = (await nodes(base, { role: ['manager'] }))[0] as DockerNode;
    expect(info.body.Swarm).toMatchObject({
      NodeID: mgr.ID,
      NodeAddr: '127.0.0.1',
      LocalNodeState: 'active',
      ControlAvailable: true,
      Error: '',
      RemoteManagers: [{ NodeID: mgr.ID, Addr: mgr.ManagerStatus?.Addr }],
      Nodes: 3,
      Managers: 1,
      Cluster: { ID: swarm.ID, Spec: { Name: 'default' } },
    });
    expect(info.body.Swarm['Cluster']).not.toHaveProperty('JoinTokens');
    expect(info.body.SystemStatus.map(([k]) => k)).toContain('  └ ID');
    expect(info.body.SystemStatus).toContainEqual(['Nodes', '2']);
  });

  it('_ping says Swarm: active/manager on HEAD and GET', async () => {
    await startEngines(1);
    const { base } = await manage();
    const head = await fetch(`${base}/_ping`, { method: 'HEAD' });
    expect(head.headers.get('swarm')).toBe('active/manager');
    const get = await fetch(`${base}/_ping`);
    expect(get.headers.get('swarm')).toBe('active/manager');
    expect(await get.text()).toBe('OK');
  });

  it('refuses swarm init, join, leave and update with a 503 that says why; unlock as never locked', async () => {
    await startEngines(1);
    const { base } = await manage();
    const init = await call<{ message: string }>(base, 'POST', '/v1.41/swarm/init', {
      ListenAddr: '0.0.0.0:2377',
    });
    expect(init.status).toBe(503);
    expect(init.body.message).toMatch(
      /^This node is already part of a swarm\. Shoal is the swarm manager for this pool of engines/,
    );
    for (const action of ['join', 'leave?force=1', 'update?version=1']) {
      const r = await call<{ message: string }>(base, 'POST', `/swarm/${action}`, {});
      expect(r.status, action).toBe(503);
      expect(r.body.message).toMatch(/Shoal is the swarm manager for this pool of engines/);
    }
    const unlock = await call<{ message: string }>(base, 'POST', '/swarm/unlock', { UnlockKey: 'x' });
    expect([unlock.status, unlock.body.message]).toEqual([409, 'swarm is not locked']);
  });
});

describe('with --replication', () => {
  it('the leader is the manager node on every manager; specs pass to the next leader through the store', async () => {
    setLogSink(() => undefined);
    const fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 1 });
    await fake.start();
    const list = await startEngines(2);
    const [pa, pb] = [await freePort(), await freePort()];
    const url = `consul://${fake.addr}/test`;
    try {
      for (const e of list) {
        await fetch(`http://${fake.addr}/v1/kv/test/docker/swarm/nodes/${e.addr}`, {
          method: 'PUT',
          body: e.addr,
        });
      }
      const start = async (port: number) => {
        const m = await startManager(
          parseManageArgs([
            '-H',
            `tcp://127.0.0.1:${port}`,
            '--engine-refresh-min-interval',
            '1s',
            '--engine-refresh-max-interval',
            '1s',
            '--heartbeat',
            '1s',
            '--replication',
            '--replication-ttl',
            '2s',
            '--advertise',
            `127.0.0.1:${port}`,
            url,
          ]),
        );
        managers.push(m);
        await waitFor('engines healthy', () => m.pool.healthy().length === 2, 5000);
        return m;
      };
      const a = await start(pa);
      await waitFor('a leads', () => fake.kvRead('test/docker/swarm/leader')?.session !== undefined, 5000);
      const b = await start(pb);
      const [baseA, baseB] = [`http://127.0.0.1:${pa}`, `http://127.0.0.1:${pb}`];
      const leaderA = (await nodes(baseB, { role: ['manager'] }))[0] as DockerNode;
      expect(leaderA.ManagerStatus).toEqual({
        Leader: true,
        Reachability: 'reachable',
        Addr: `127.0.0.1:${pa}`,
      });
      const swarmOf = async (base: string) =>
        (await call<{ Swarm: { NodeID: string; Cluster: { ID: string } } }>(base, 'GET', '/info')).body.Swarm;
      expect((await swarmOf(baseA)).NodeID).toBe(leaderA.ID);
      expect((await swarmOf(baseB)).NodeID).toBe(leaderA.ID);
      const n0 = await node(baseB, 'node-0');
      expect((await update(baseB, n0, { Labels: { rack: 'r9' } })).status).toBe(200);
      const updated = await node(baseA, 'node-0');

      managers = managers.filter((m) => m !== a);
      await a.stop();
      await waitFor('b leads', async () => (await swarmOf(baseB)).NodeID !== leaderA.ID, 5000);
      const leaderB = (await nodes(baseB, { role: ['manager'] }))[0] as DockerNode;
      expect(leaderB.ManagerStatus?.Addr).toBe(`127.0.0.1:${pb}`);
      expect((await swarmOf(baseB)).NodeID).toBe(leaderB.ID);
      expect(await node(baseB, 'node-0')).toMatchObject({ Spec: updated.Spec, Version: updated.Version });
      await waitFor('b schedules with the spec', () =>
        b.pool.snapshot().some((s) => s.name === 'node-0' && s.nodeLabels['rack'] === 'r9'),
      );
    } finally {
      await Promise.all(managers.map((m) => m.stop()));
      managers = [];
      await fake.close();
    }
  });
});
