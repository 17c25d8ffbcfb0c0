// The cluster state store behind cluster networks and rescheduling, with fake engines: subnets recorded per
// engine and given back, removals finished on engines that were away, moves recorded across restarts.
import { afterEach, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { CLUSTER_LABEL } from '../../src/networks/cluster-networks.js';
import type { NetworkRecord } from '../../src/networks/records.js';
import type { MoveRecord } from '../../src/reschedule/records.js';
import { clusterIdentity } from '../../src/discovery/identity.js';
import { FileStore } from '../../src/store/file-store.js';
import { scopedStore } from '../../src/store/scoped.js';
import { FakeEngine } from '../support/fake-engine.js';
import { call } from '../support/http.js';
import { tempStore, type TempStore } from '../support/temp-store.js';
import { waitFor } from '../support/wait.js';

let engines: FakeEngine[] = [];
let managers: Manager[] = [];
let store: TempStore;

afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await Promise.all(engines.map((e) => e.stop()));
  store.remove();
  managers = [];
  engines = [];
});

async function startEngines(n: number): Promise<FakeEngine[]> {
  setLogSink(() => undefined);
  store = tempStore();
  engines = Array.from({ length: n }, (_, i) => new FakeEngine({ name: `node-${i}` }));
  await Promise.all(engines.map((e) => e.start()));
  return engines;
}

const discoveryOf = (list: FakeEngine[]) => list.map((e) => e.addr).join(',');

/** A manager on the test's store file, in front of every engine; resolves once they are all healthy. */
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
      ...store.args,
      discoveryOf(engines),
    ]),
  );
  managers.push(manager);
  await waitFor('engines healthy', () => manager.pool.healthy().length === engines.length);
  return { manager, base: (manager.urls()[0] ?? '').replace('tcp://', 'http://') };
}

async function stopManager(m: Manager): Promise<void> {
  managers = managers.filter((x) => x !== m);
  await m.stop();
}

function subnetOn(e: FakeEngine, clusterId: string): string | undefined {
  const n = [...e.networks.values()].find(
    (x) => (x['Labels'] as Record<string, string>)[CLUSTER_LABEL] === clusterId,
  );
  return (n?.['IPAM'] as { Config: { Subnet: string }[] } | undefined)?.Config[0]?.Subnet;
}

function subnetOnly(n: Record<string, unknown>, clusterId: string): boolean {
  return (n['Labels'] as Record<string, string> | undefined)?.[CLUSTER_LABEL] === clusterId;
}

async function record(m: Manager, id: string): Promise<NetworkRecord | undefined> {
  return (await m.store.read(`networks/${id}`))?.value as NetworkRecord | undefined;
}

async function createNetwork(base: string, name: string): Promise<string> {
  const r = await call<{ Id: string }>(base, 'POST', '/networks/create', { Name: name });
  expect(r.status, r.text).toBe(201);
  return r.body.Id;
}

it('records each engine’s subnet, and a restarted manager finds the same network and subnets', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const first = await manage();
  const id = await createNetwork(first.base, 'keep');
  const rec = await record(first.manager, id);
  expect(rec).toMatchObject({ id, name: 'keep', state: 'created', spec: { Name: 'keep', Driver: 'bridge' } });
  expect(rec?.parts).toEqual({
    [e0.id]: { engine: 'node-0', subnet: subnetOn(e0, id) },
    [e1.id]: { engine: 'node-1', subnet: subnetOn(e1, id) },
  });
  expect(subnetOn(e0, id)).not.toBe(subnetOn(e1, id));
  const version = (await first.manager.store.read(`networks/${id}`))?.version;
  await stopManager(first.manager);
  // While Shoal is down, node-1 loses its part (a reinstalled engine): the store still knows its subnet.
  const was = subnetOn(e1, id);
  for (const [nid, n] of e1.networks) if (n['Name'] === 'keep') e1.networks.delete(nid);
  const second = await manage();
  await waitFor('part made again', () => subnetOn(e1, id));
  expect(subnetOn(e1, id)).toBe(was);
  // The engine's network list catches up with the part just made.
  const inspect = await waitFor('both parts listed', async () => {
    const r = await call<{ Id: string; IPAM: { Config: { Subnet: string }[] } }>(
      second.base,
      'GET',
      '/networks/keep',
    );
    return r.body.IPAM.Config.length === 2 ? r : undefined;
  });
  expect(inspect.body.Id).toBe(id);
  expect(inspect.body.IPAM.Config.map((c) => c.Subnet).sort()).toEqual(
    Object.values(rec?.parts ?? {})
      .map((p) => p.subnet)
      .sort(),
  );
  expect((await second.manager.store.read(`networks/${id}`))?.version).toBe(version);
  expect(await record(second.manager, id)).toEqual(rec);
});

it('an engine that comes back without its part gets it on the same subnet; others never took that subnet', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const { manager, base } = await manage();
  const id = await createNetwork(base, 'back');
  const was = subnetOn(e1, id);
  await e1.stop();
  await waitFor('node-1 gone', () => manager.pool.healthy().length === 1);
  e1.networks.clear();
  const other = await createNetwork(base, 'meanwhile');
  expect(subnetOn(e0, other)).not.toBe(was);
  await e1.start(e1.port);
  await waitFor('both parts on node-1', () => subnetOn(e1, id) && subnetOn(e1, other), 10_000);
  expect(subnetOn(e1, id)).toBe(was);
  // The part is made on the engine first, then recorded: wait for the record too.
  await waitFor(
    'node-1 part of meanwhile recorded',
    async () => (await record(manager, other))?.parts[e1.id]?.subnet === subnetOn(e1, other),
    10_000,
  );
  expect(subnetOn(e1, other)).not.toBe(was);
});

it('a network removed while an engine was away loses that engine’s part when it returns', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const { manager, base } = await manage();
  const id = await createNetwork(base, 'gone');
  await e1.stop();
  await waitFor('node-1 gone', () => manager.pool.healthy().length === 1);
  const rm = await call(base, 'DELETE', '/networks/gone');
  expect(rm.status, rm.text).toBe(204);
  expect(subnetOn(e0, id)).toBeUndefined();
  expect(await record(manager, id)).toMatchObject({
    state: 'removed',
    parts: { [e1.id]: { engine: 'node-1' } },
  });
  expect(subnetOn(e1, id)).toBeDefined();
  await e1.start(e1.port);
  await waitFor('stale part removed', () => subnetOn(e1, id) === undefined, 10_000);
  await waitFor('tombstone dropped', async () => (await record(manager, id)) === undefined);
  expect((await call<unknown[]>(base, 'GET', '/networks?filters={"name":["gone"]}')).body).toEqual([]);
});

it('adopts a labelled network made before the store, and rolls back an interrupted create', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const old = 'a'.repeat(64);
  const cut = 'b'.repeat(64);
  for (const [i, e] of [e0, e1].entries()) {
    e.networks.set(`old${i}`, {
      Id: `old${i}`,
      Name: 'legacy',
      Driver: 'bridge',
      Labels: { [CLUSTER_LABEL]: old, team: 'x' },
      IPAM: { Driver: 'default', Config: [{ Subnet: `198.19.${120 + i}.0/24` }] },
    });
  }
  e0.networks.set('cut0', { Id: 'cut0', Name: 'half', Driver: 'bridge', Labels: { [CLUSTER_LABEL]: cut } });
  const seed = scopedStore(await FileStore.open(store.path), clusterIdentity(discoveryOf(engines)));
  await seed.write(`networks/${cut}`, {
    id: cut,
    name: 'half',
    state: 'creating',
    spec: { Name: 'half', Driver: 'bridge' },
    created: new Date().toISOString(),
    parts: { [e0.id]: { engine: 'node-0' } },
  });
  await seed.close();
  const { manager } = await manage();
  await waitFor('legacy adopted with both parts', async () => {
    const r = await record(manager, old);
    return r && Object.keys(r.parts).length === 2;
  });
  expect(await record(manager, old)).toMatchObject({
    name: 'legacy',
    state: 'created',
    spec: { Labels: { team: 'x' } },
    parts: {
      [e0.id]: { engine: 'node-0', subnet: '198.19.120.0/24' },
      [e1.id]: { engine: 'node-1', subnet: '198.19.121.0/24' },
    },
  });
  await waitFor(
    'interrupted create rolled back',
    async () => !e0.networks.has('cut0') && !(await record(manager, cut)),
  );
});

it('a pruned network is forgotten, not made again when an engine returns', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const { manager, base } = await manage();
  const id = await createNetwork(base, 'pruned');
  expect((await call(base, 'POST', '/networks/prune')).status).toBe(200);
  await waitFor('record gone', async () => (await record(manager, id)) === undefined);
});

it('records a move, and a restarted manager removes the stale copy, not the live one', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const first = await manage();
  const created = await call<{ Id: string }>(first.base, 'POST', '/containers/create?name=mover', {
    Image: 'busybox:local',
    Cmd: ['sleep', '600'],
    Env: ['reschedule:on-node-failure', 'constraint:node==~node-0'],
  });
  expect(created.status, created.text).toBe(201);
  const oldId = created.body.Id;
  const swarmId = e0.containers.get(oldId)?.Labels['com.docker.swarm.id'] ?? '';
  expect(swarmId).toMatch(/^[0-9a-f]{64}$/);
  await e0.stop();
  const moved = await waitFor(
    'moved to node-1',
    () => [...e1.containers.values()].find((c) => c.Name === '/mover'),
    10_000,
  );
  const rec = await waitFor('move recorded', async () => {
    const r = (await first.manager.store.read(`reschedule/${swarmId}`))?.value as MoveRecord | undefined;
    return r?.state === 'moved' ? r : undefined;
  });
  expect(rec).toMatchObject({
    current: { engine: e1.id, engineName: 'node-1', container: moved.Id },
    stale: [{ engine: e0.id, engineName: 'node-0', container: oldId }],
  });
  await stopManager(first.manager);
  await e0.start(e0.port);
  const second = await manage();
  await waitFor('stale copy removed from node-0', () => !e0.containers.has(oldId), 10_000);
  expect(e1.containers.has(moved.Id)).toBe(true);
  await waitFor('record done', async () => !(await second.manager.store.read(`reschedule/${swarmId}`)));
});

it('a network removed out of band from every engine is forgotten: not made again, its name free', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const first = await manage();
  const id = await createNetwork(first.base, 'testn');
  await stopManager(first.manager);
  // The engines' owner removes it behind Shoal's back, on every engine.
  for (const e of [e0, e1])
    for (const [k] of [...e.networks].filter(([, n]) => subnetOnly(n, id))) e.networks.delete(k);
  const second = await manage();
  await waitFor('record forgotten', async () => (await record(second.manager, id)) === undefined, 10_000);
  expect(subnetOn(e0, id) ?? subnetOn(e1, id)).toBeUndefined();
  const again = await call<{ Id: string }>(second.base, 'POST', '/networks/create', { Name: 'testn' });
  expect(again.status, again.text).toBe(201);
});

it('a network missing on one engine only is made again there, on its subnet', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const first = await manage();
  const id = await createNetwork(first.base, 'half-gone');
  const subnet = subnetOn(e1, id);
  await stopManager(first.manager);
  for (const [k] of [...e1.networks].filter(([, n]) => subnetOnly(n, id))) e1.networks.delete(k);
  await manage();
  await waitFor('part made again', () => subnetOn(e1, id) === subnet, 10_000);
});

it('two clusters sharing one store file never see, block or bring back each other’s networks', async () => {
  const [e0, e1] = await startEngines(2);
  if (!e0 || !e1) throw new Error('engines');
  const a = await manage();
  const id = await createNetwork(a.base, 'shared-name');
  await stopManager(a.manager);
  // Another cluster on the same store: other engines.
  const others = [new FakeEngine({ name: 'node-0' }), new FakeEngine({ name: 'node-1' })];
  await Promise.all(others.map((e) => e.start()));
  engines.push(...others);
  const b = await startManager(
    parseManageArgs([
      '-H',
      'tcp://127.0.0.1:0',
      '--network-pool',
      '198.19.96.0/19',
      ...store.args,
      discoveryOf(others),
    ]),
  );
  managers.push(b);
  await waitFor('other engines healthy', () => b.pool.healthy().length === 2);
  const base = (b.urls()[0] ?? '').replace('tcp://', 'http://');
  expect(await b.store.read(`networks/${id}`)).toBeUndefined();
  const made = await call<{ Id: string }>(base, 'POST', '/networks/create', { Name: 'shared-name' });
  expect(made.status, made.text).toBe(201);
  expect(others.every((e) => subnetOn(e, id) === undefined)).toBe(true);
});
