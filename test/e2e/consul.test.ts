// Consul discovery on real engines: `shoal join` agents (child processes) register the lab's engines in
// the fake Consul; a manager follows them (KV and catalog); an agent killed lets its engine expire.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { FakeConsul } from '../support/fake-consul.js';
import { tempStore } from '../support/temp-store.js';
import { shoal, shoalOnce, type Child } from './processes.js';
import { cleanEngines, docker, lab, until } from './support.js';

let fake: FakeConsul;
const children: Child[] = [];
let manager: Manager | undefined;

beforeAll(async () => {
  await cleanEngines();
  // Consul's worst case: a session is invalidated up to twice its TTL after the last renewal.
  fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 2 });
  await fake.start();
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  await manager?.stop();
  manager = undefined;
});
afterAll(async () => {
  await fake.close();
  await cleanEngines();
});

const url = () => `consul://${fake.addr}/e2e`;

function agent(i: number, extra: string[] = []): Child {
  const addr = lab().nodes[i]?.addr ?? '';
  const c = shoal(['join', '--advertise', addr, '--heartbeat', '1s', '--ttl', '4s', ...extra, url()]);
  children.push(c);
  return c;
}

async function manage(extra: string[] = []): Promise<{ m: Manager; host: string }> {
  setLogSink(() => undefined);
  const store = tempStore();
  const m = await startManager(
    parseManageArgs([
      ...store.args,
      '-H',
      'tcp://127.0.0.1:0',
      '--engine-refresh-min-interval',
      '1s',
      ...extra,
      url(),
    ]),
  );
  const stop = m.stop.bind(m);
  m.stop = async () => {
    await stop();
    store.remove();
  };
  manager = m;
  return { m, host: m.urls()[0] ?? '' };
}

const healthy = (m: Manager) => m.pool.healthy().length;

/**
 * Agents started and registering: the clock for "the manager sees them" starts here, so the time a child
 * process takes to boot on a loaded machine is not counted against discovery.
 */
async function registering(agents: Child[]): Promise<number> {
  await until('agents registering', () =>
    agents.every((a) => a.output().includes('Registering on the discovery service')),
  );
  return Date.now();
}

describe('shoal join with Consul KV', () => {
  it('three agents register the engines; the manager sees them within 2 s; a killed agent expires and comes back', async () => {
    const { m, host } = await manage();
    const agents = [0, 1, 2].map((i) => agent(i));
    const t0 = await registering(agents);
    await until('3 engines healthy', () => healthy(m) === 3, 10_000);
    expect(Date.now() - t0).toBeLessThan(2000);
    const listed = await shoalOnce(['list', url()]);
    expect(listed.code).toBe(0);
    expect(listed.output.trim().split('\n').sort()).toEqual(
      lab()
        .nodes.map((n) => n.addr)
        .sort(),
    );
    expect(agents[0]?.output()).toContain('Registering on the discovery service every 1s...');

    const run = await docker(host, ['run', '--rm', 'busybox:local', 'echo', 'via consul']);
    expect(run.stdout).toBe('via consul\n');

    await agents[1]?.kill();
    const t1 = Date.now();
    const gone = lab().nodes[1]?.addr;
    await until('engine 1 removed', () => !m.pool.all().some((e) => e.addr === gone), 10_000);
    // The registration lives ttl/2 (a 2 s session) to ttl (Consul's doubling): never before, never long after.
    expect(Date.now() - t1).toBeGreaterThanOrEqual(1500);
    expect(Date.now() - t1).toBeLessThan(4000 + 1500);
    agent(1);
    await until('engine 1 back', () => healthy(m) === 3, 5000);
  });
});

describe('catalog discovery', () => {
  it('agents registering a `docker` service with a TTL check do the same', async () => {
    const opt = ['--discovery-opt', 'consul.source=catalog'];
    const { m } = await manage(opt);
    const agents = [0, 1, 2].map((i) => agent(i, opt));
    const t0 = await registering(agents);
    await until('3 engines healthy', () => healthy(m) === 3, 10_000);
    expect(Date.now() - t0).toBeLessThan(2000);
    await agents[2]?.kill();
    const gone = lab().nodes[2]?.addr;
    await until('engine 2 removed', () => !m.pool.all().some((e) => e.addr === gone), 10_000);
    agent(2, opt);
    await until('engine 2 back', () => healthy(m) === 3, 5000);
  });
});
