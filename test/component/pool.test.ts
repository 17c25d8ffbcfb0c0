// The pool: mixed engine versions, duplicate engine IDs, engines leaving discovery, streams torn down.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { FakeEngine } from '../support/fake-engine.js';
import { call, upgrade } from '../support/http.js';
import { parseManageArgs } from '../../src/config/manage.js';
import { startManager, type Manager } from '../../src/main.js';

let cluster: FakeCluster | undefined;
let extra: { manager?: Manager; engines: FakeEngine[] } = { engines: [] };

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  await extra.manager?.stop();
  await Promise.all(extra.engines.map((e) => e.stop()));
  extra = { engines: [] };
});

it('serves a pool of old and new engines, speaking to each at a version it accepts', async () => {
  cluster = await fakeCluster([
    { apiVersion: '1.41' },
    { apiVersion: '1.52', minApiVersion: '1.44', name: 'node-new' },
  ]);
  const c = cluster;
  const v = await call<{ ApiVersion: string }>(c.base, 'GET', '/version');
  expect(v.body.ApiVersion).toBe('1.41');
  const modern = c.engines[1];
  if (!modern) throw new Error('engine');
  modern.addContainer('on-new');
  await waitFor(
    'listed',
    async () => (await call<unknown[]>(c.base, 'GET', '/containers/json?all=1')).body.length === 1,
  );
  // A 1.41 client (what the CLI negotiates) acting on a container of the engine that refuses < 1.44.
  expect((await call(c.base, 'POST', '/v1.41/containers/on-new/start')).status).toBe(204);
  expect(
    (await call<{ Node: { Name: string } }>(c.base, 'GET', '/v1.41/containers/on-new/json')).body.Node.Name,
  ).toBe('node-new');
  const logs = await fetch(`${c.base}/v1.41/containers/on-new/logs?stdout=1`);
  expect(logs.status).toBe(200);
  await logs.arrayBuffer();
  const paths = modern.requests.filter((r) => r.path.includes('/containers/')).map((r) => r.path);
  expect(paths.length).toBeGreaterThan(0);
  expect(paths.every((p) => !/^\/v1\.(4[0-3]|[0-3]\d)\//.test(p))).toBe(true);
});

it('keeps an engine with a duplicated ID pending, with classic text, and serves the others', async () => {
  cluster = await fakeCluster([{ id: 'SAME:ID' }]);
  const dup = new FakeEngine({ name: 'clone', id: 'SAME:ID' });
  await dup.start();
  extra.engines.push(dup);
  const file = join(mkdtempSync(join(tmpdir(), 'shoal-pool-')), 'engines');
  writeFileSync(file, `${cluster.engines[0]?.addr ?? ''}\n`);
  const manager = await startManager(
    parseManageArgs([
      '-H',
      'tcp://127.0.0.1:0',
      '--heartbeat',
      '1s',
      '--engine-refresh-min-interval',
      '1s',
      '--engine-refresh-max-interval',
      '1s',
      '--store',
      `file://${file}.state.json`,
      `file://${file}`,
    ]),
  );
  extra.manager = manager;
  const base = (manager.urls()[0] ?? '').replace('tcp://', 'http://');
  await waitFor('first engine healthy', () => manager.pool.healthy().length === 1);
  writeFileSync(file, `${cluster.engines[0]?.addr ?? ''}\n${dup.addr}\n`);
  const status = await waitFor(
    'clone pending with error',
    async () => {
      const info = await call<{ SystemStatus: [string, string][] }>(base, 'GET', '/info');
      const err = info.body.SystemStatus.find(([k, v]) => k === '  └ Error' && v.startsWith('ID duplicated'));
      return err ? info.body.SystemStatus : undefined;
    },
    8000,
  );
  expect(status).toContainEqual(['Nodes', '2']);
  expect(status).toContainEqual([' (unknown)', dup.addr]);
  expect(status.find(([k, v]) => k === '  └ Error' && v.startsWith('ID duplicated'))?.[1]).toBe(
    `ID duplicated. SAME:ID shared by this node ${dup.addr} and another node ${cluster.engines[0]?.addr ?? ''}`,
  );
  // Removing an engine from the file disconnects it: it leaves /info and its containers leave ps.
  writeFileSync(file, `${dup.addr}\n`);
  await waitFor(
    'first engine removed',
    async () => {
      const info = await call<{ SystemStatus: [string, string][] }>(base, 'GET', '/info');
      return info.body.SystemStatus.some(([k, v]) => k === 'Nodes' && v === '1');
    },
    8000,
  );
  // Once the original is gone, the clone's ID is no longer a duplicate and it joins.
  await waitFor(
    'clone healthy',
    () => manager.pool.healthy().length === 1 && manager.pool.healthy()[0]?.addr === dup.addr,
    10_000,
  );
});

it('closes the engine side of a hijacked stream when the client goes away, and relays attach/ws', async () => {
  cluster = await fakeCluster([{}]);
  const c = cluster;
  const engine = c.engines[0];
  if (!engine) throw new Error('engine');
  const cr = await call<{ Id: string }>(c.base, 'POST', '/containers/create?name=gone', {
    Image: 'busybox:local',
  });
  const { socket } = await upgrade(c.base, 'POST', `/containers/${cr.body.Id}/attach?stream=1&stdin=1`);
  const upstream = await waitFor('engine side open', () => engine.upgrades.at(-1));
  const closed = new Promise<void>((resolve) => upstream.once('close', () => resolve()));
  socket.destroy();
  await closed;
  const ws = await upgrade(c.base, 'GET', `/containers/gone/attach/ws?stream=1`);
  expect(ws.head).toMatch(/^HTTP\/1\.1 101 Switching Protocols/);
  ws.socket.resume();
  const echoed = new Promise<string>((resolve) =>
    ws.socket.once('data', (d: Buffer) => resolve(d.toString())),
  );
  ws.socket.write('ping');
  expect(await echoed).toBe('ping');
  ws.socket.destroy();
});
