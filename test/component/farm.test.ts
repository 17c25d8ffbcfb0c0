// Shoal in front of a simulated farm of 150 engines and 3,000 containers: all registered, listed from the
// cache, scheduled with constraints, and /info kept to one line set per node.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { startFarm, type Farm } from '../support/farm.js';
import { waitFor } from '../support/cluster.js';
import { call } from '../support/http.js';
import { tempStore } from '../support/temp-store.js';

const ENGINES = 150;
const PER_ENGINE = 20;
let farm: Farm;
let manager: Manager;
let base: string;
const store = tempStore();

beforeAll(async () => {
  setLogSink(() => undefined);
  farm = await startFarm({ engines: ENGINES, containersPerEngine: PER_ENGINE });
  manager = await startManager(
    parseManageArgs(['-H', 'tcp://127.0.0.1:0', ...store.args, farm.addrs.join(',')]),
  );
  base = (manager.urls()[0] ?? '').replace('tcp://', 'http://');
  await waitFor('farm registered', () => manager.pool.healthy().length === ENGINES, 60_000);
}, 90_000);
afterAll(async () => {
  await manager?.stop();
  await farm?.stop();
  store.remove();
}, 60_000);

it('lists every container of every engine from its cache', async () => {
  await waitFor(
    'all containers cached',
    async () =>
      (await call<unknown[]>(base, 'GET', '/containers/json?all=1')).body.length === ENGINES * PER_ENGINE,
    20_000,
  );
  const running = await call<unknown[]>(base, 'GET', '/containers/json');
  expect(running.body.length).toBe(ENGINES * PER_ENGINE * 0.75);
  const info = await call<{ SystemStatus: [string, string][]; Containers: number }>(base, 'GET', '/info');
  expect(info.body.Containers).toBe(ENGINES * PER_ENGINE);
  expect(info.body.SystemStatus.filter(([k]) => k === '  └ Status')).toHaveLength(ENGINES);
});

it('schedules with constraints, affinities and ports across the farm', async () => {
  const ids = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      call<{ Id: string }>(base, 'POST', `/containers/create?name=farm-${i}`, {
        Image: 'busybox:local',
        Env: ['constraint:storage==ssd', 'affinity:tier==front'],
        HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '10003' }] } },
      }),
    ),
  );
  expect(ids.every((r) => r.status === 201)).toBe(true);
  const nodes = await Promise.all(
    ids.map(
      async (r) =>
        (
          await call<{ Node: { Name: string; Labels: Record<string, string> } }>(
            base,
            'GET',
            `/containers/${r.body.Id}/json`,
          )
        ).body.Node,
    ),
  );
  expect(nodes.every((n) => n.Labels['storage'] === 'ssd')).toBe(true);
  // Port 10003 was already bound on sim-3, 53, 103 (odd: disk anyway); each new container took it on a distinct node.
  expect(new Set(nodes.map((n) => n.Name)).size).toBe(40);
});
