// Consul discovery, the join agent and replication, with fake engines and the fake Consul server.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJoinArgs } from '../../src/config/join.js';
import { parseManageArgs } from '../../src/config/manage.js';
import { ConsulConnection } from '../../src/consul/connection.js';
import { ConsulDiscovery } from '../../src/discovery/consul.js';
import { issueCert, makeCa } from '../../src/lab/certs.js';
import { catalogRegistration, kvRegistration, runJoin } from '../../src/discovery/join.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { Election } from '../../src/replication/election.js';
import { FakeConsul } from '../support/fake-consul.js';
import { FakeEngine } from '../support/fake-engine.js';
import { call, demux, readAll, upgrade } from '../support/http.js';
import { tempStore } from '../support/temp-store.js';
import { waitFor } from '../support/wait.js';
import { freePort } from '../support/free-port.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function consul(): Promise<FakeConsul> {
  const fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 1 });
  await fake.start();
  cleanups.push(() => fake.close());
  return fake;
}

async function engines(n: number): Promise<FakeEngine[]> {
  const list = Array.from({ length: n }, (_, i) => new FakeEngine({ name: `node-${i}` }));
  await Promise.all(list.map((e) => e.start()));
  cleanups.push(() => Promise.all(list.map((e) => e.stop())).then(() => undefined));
  return list;
}

async function manager(args: string[], port = 0): Promise<Manager> {
  setLogSink(() => undefined);
  const store = tempStore();
  cleanups.push(() => store.remove());
  const m = await startManager(
    parseManageArgs([
      ...store.args,
      '-H',
      `tcp://127.0.0.1:${port}`,
      '--engine-refresh-min-interval',
      '1s',
      '--engine-refresh-max-interval',
      '1s',
      '--heartbeat',
      '1s',
      ...args,
    ]),
  );
  cleanups.push(() => m.stop());
  return m;
}

/** An in-process join agent; returns its stop. */
function join(fake: FakeConsul, addr: string, extra: string[] = []): () => void {
  const cfg = parseJoinArgs([
    '--advertise',
    addr,
    '--heartbeat',
    '1s',
    '--ttl',
    '2s',
    ...extra,
    `consul://${fake.addr}/test`,
  ]);
  const d = new ConsulDiscovery(`${fake.addr}/test`, { heartbeatMs: 1000, options: cfg.discoveryOpts });
  const reg = d.settings.source === 'catalog' ? catalogRegistration(d, cfg) : kvRegistration(d, cfg);
  const controller = new AbortController();
  const done = runJoin(reg, cfg, controller.signal).finally(() => d.stop());
  const stop = () => {
    controller.abort();
    return done;
  };
  cleanups.push(stop);
  return () => void stop();
}

const addrs = (m: Manager) =>
  m.pool
    .healthy()
    .map((e) => e.addr)
    .sort();

describe('consul discovery', () => {
  it('engines that join appear within a second; one whose agent stops goes after the TTL, and comes back', async () => {
    const fake = await consul();
    const list = await engines(3);
    const m = await manager([`consul://${fake.addr}/test`]);
    const t0 = Date.now();
    const stops = list.map((e) => join(fake, e.addr));
    await waitFor('3 engines', () => addrs(m).length === 3, 5000);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(fake.kvKeys('test/docker/swarm/nodes/').sort()).toEqual(
      list.map((e) => `test/docker/swarm/nodes/${e.addr}`).sort(),
    );
    stops[1]?.();
    const key = `test/docker/swarm/nodes/${list[1]?.addr ?? ''}`;
    // Removed when its registration expires (session TTL ttl/2 = 1 s after the last renewal), not before:
    // the moment Shoal drops it, the key is already gone from Consul.
    await waitFor('engine removed', () => !m.pool.all().some((e) => e.addr === list[1]?.addr), 6000);
    expect(fake.kvKeys('test/docker/swarm/nodes/')).not.toContain(key);
    join(fake, list[1]?.addr ?? '');
    await waitFor('engine back', () => addrs(m).length === 3, 5000);
  });

  it('follows the catalog: passing instances of the service only', async () => {
    const fake = await consul();
    const list = await engines(2);
    const m = await manager(['--discovery-opt', 'consul.source=catalog', `consul://${fake.addr}/test`]);
    const stops = list.map((e) => join(fake, e.addr, ['--discovery-opt', 'consul.source=catalog']));
    await waitFor('2 engines', () => addrs(m).length === 2, 5000);
    stops[0]?.();
    await waitFor('engine removed', () => addrs(m).length === 1, 6000);
    expect(addrs(m)).toEqual([list[1]?.addr]);
  });

  it('keeps serving the engines it knows while Consul is away, says so in docker info, and catches up', async () => {
    const fake = await consul();
    const list = await engines(2);
    const m = await manager([`consul://${fake.addr}/test`]);
    join(fake, list[0]?.addr ?? '');
    await waitFor('1 engine', () => addrs(m).length === 1, 5000);
    await fake.stop();
    const base = (m.urls()[0] ?? '').replace('tcp://', 'http://');
    const info = await waitFor(
      'info says unreachable',
      async () => {
        const r = await call<{ SystemStatus: [string, string][] }>(base, 'GET', '/info');
        const line = r.body.SystemStatus.find(([k]) => k === 'Discovery')?.[1] ?? '';
        return line.includes('unreachable') ? line : undefined;
      },
      5000,
    );
    expect(info).toContain('keeping 1 known engines');
    expect(addrs(m)).toEqual([list[0]?.addr]);
    await fake.start();
    join(fake, list[1]?.addr ?? '');
    await waitFor('2 engines after Consul is back', () => addrs(m).length === 2, 10_000);
  });
});

describe('replication', () => {
  it('one leader; the replica answers /info itself and forwards the rest, hijacks included; the leader resigning hands over', async () => {
    const fake = await consul();
    const list = await engines(2);
    const [pa, pb] = [await freePort(), await freePort()];
    const repl = (p: number) => ['--replication', '--replication-ttl', '2s', '--advertise', `127.0.0.1:${p}`];
    const url = `consul://${fake.addr}/test`;
    list.forEach((e) => join(fake, e.addr));
    const a = await manager([...repl(pa), url], pa);
    await waitFor('a leads', () => fake.kvRead('test/docker/swarm/leader')?.session !== undefined, 5000);
    expect(fake.kvRead('test/docker/swarm/leader')?.value).toBe(`127.0.0.1:${pa}`);
    const b = await manager([...repl(pb), url], pb);
    await waitFor('engines on both', () => addrs(a).length === 2 && addrs(b).length === 2, 5000);
    const baseA = `http://127.0.0.1:${pa}`;
    const baseB = `http://127.0.0.1:${pb}`;
    const status = async (base: string) =>
      Object.fromEntries(
        (await call<{ SystemStatus: [string, string][] }>(base, 'GET', '/info')).body.SystemStatus,
      );
    expect((await status(baseA))['Role']).toBe('primary');
    expect(await status(baseB)).toMatchObject({ Role: 'replica', Primary: `127.0.0.1:${pa}` });

    // A create through the replica is made by the leader (its cache knows the container at once).
    const cr = await call<{ Id: string }>(baseB, 'POST', '/containers/create?name=viab', {
      Image: 'busybox:local',
    });
    expect(cr.status).toBe(201);
    expect(a.pool.all().some((e) => e.containers.get(cr.body.Id) !== undefined)).toBe(true);
    const ex = await call<{ Id: string }>(baseB, 'POST', `/containers/${cr.body.Id}/exec`, {
      Cmd: ['cat'],
      AttachStdin: true,
    });
    const { socket, head, rest } = await upgrade(
      baseB,
      'POST',
      `/v1.41/exec/${ex.body.Id}/start`,
      '{"Detach":false,"Tty":false}',
    );
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    const out = readAll(socket, rest);
    socket.write('hello\n');
    await new Promise((r) => setTimeout(r, 50));
    socket.end();
    expect(demux(await out)).toBe('hello\nbye\n');

    await a.stop();
    const t0 = Date.now();
    await waitFor('b leads', async () => (await status(baseB))['Role'] === 'primary', 5000);
    expect(Date.now() - t0).toBeLessThan(2000);
    const ls = await call<unknown[]>(baseB, 'GET', '/containers/json?all=1');
    expect(ls.status).toBe(200);
    expect(ls.body).toHaveLength(1);
  });
  it('a replica answers only /_ping, /info and /debug itself: /containers/info/…, /volumes/info go to the leader', async () => {
    const fake = await consul();
    // The leader is a recorder holding the lock, so what the replica forwards is plain to see.
    const seen: string[] = [];
    const recorder = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"from":"leader"}');
    });
    await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => recorder.close(() => r())));
    const leaderAddr = `127.0.0.1:${(recorder.address() as { port: number }).port}`;
    const none = () => undefined;
    const connection = new ConsulConnection({ hosts: [fake.addr], prefix: '' });
    const lock = new Election(connection, 'test/docker/swarm/leader', leaderAddr, 20_000, {
      elected: none,
      lost: none,
      leader: none,
    });
    lock.start();
    cleanups.push(() => lock.stop());
    await waitFor(
      'the recorder leads',
      () => fake.kvRead('test/docker/swarm/leader')?.value === leaderAddr,
      5000,
    );
    const pb = await freePort();
    await manager(['--replication', '--advertise', `127.0.0.1:${pb}`, `consul://${fake.addr}/test`], pb);
    const base = `http://127.0.0.1:${pb}`;
    const role = async () =>
      Object.fromEntries(
        (await call<{ SystemStatus: [string, string][] }>(base, 'GET', '/info')).body.SystemStatus,
      )['Primary'];
    await waitFor('a replica of the recorder', async () => (await role()) === leaderAddr, 5000);
    for (const [method, path] of [
      ['POST', '/containers/info/start'],
      ['GET', '/v1.41/volumes/info'],
      ['DELETE', '/networks/debug'],
    ] as const) {
      const r = await call<{ from: string }>(base, method, path);
      expect({ path, status: r.status, body: r.body }).toEqual({
        path,
        status: 200,
        body: { from: 'leader' },
      });
    }
    expect((await call(base, 'GET', '/v1.41/_ping')).status).toBe(200);
    expect((await call(base, 'GET', '/v1.41/info')).status).toBe(200);
    expect(seen).toEqual([
      'POST /containers/info/start',
      'GET /v1.41/volumes/info',
      'DELETE /networks/debug',
    ]);
  });
});

describe('reaching Consul', () => {
  it('sends the ACL token from kv.token or CONSUL_HTTP_TOKEN; without it Consul says 403 and info says so', async () => {
    const fake = new FakeConsul({ aclToken: 'sekret' });
    await fake.start();
    cleanups.push(() => fake.close());
    const list = await engines(1);
    await new ConsulConnection({ hosts: [fake.addr], prefix: '', token: 'sekret' }).put(
      `t/docker/swarm/nodes/${list[0]?.addr}`,
      list[0]?.addr ?? '',
    );
    const ok = await manager(['--discovery-opt', 'kv.token=sekret', `consul://${fake.addr}/t`]);
    await waitFor('engine via token', () => addrs(ok).length === 1, 5000);
    process.env['CONSUL_HTTP_TOKEN'] = 'sekret';
    try {
      const viaEnv = await manager([`consul://${fake.addr}/t`]);
      await waitFor('engine via env token', () => addrs(viaEnv).length === 1, 5000);
    } finally {
      delete process.env['CONSUL_HTTP_TOKEN'];
    }
    const denied = await manager([`consul://${fake.addr}/t`]);
    const base = (denied.urls()[0] ?? '').replace('tcp://', 'http://');
    const line = await waitFor('403 in info', async () => {
      const r = await call<{ SystemStatus: [string, string][] }>(base, 'GET', '/info');
      const l = r.body.SystemStatus.find(([k]) => k === 'Discovery')?.[1] ?? '';
      return l.includes('unreachable') ? l : undefined;
    });
    expect(line).toMatch(/Permission denied|forbidden/i);
  });

  it('speaks TLS to Consul with kv.cacertfile, kv.certfile and kv.keyfile', async () => {
    const dir = mkdtempSync(joinPath(tmpdir(), 'shoal-consul-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const ca = await makeCa(dir);
    const server = await issueCert(ca, { name: 'consul', usage: 'server', ips: ['127.0.0.1'] });
    const client = await issueCert(ca, { name: 'shoal', usage: 'client' });
    const fake = new FakeConsul({
      tls: {
        key: readFileSync(server.key, 'utf8'),
        cert: readFileSync(server.cert, 'utf8'),
        ca: readFileSync(ca.cert, 'utf8'),
        requestCert: true,
      },
    });
    await fake.start();
    cleanups.push(() => fake.close());
    const list = await engines(1);
    const opts = [
      '--discovery-opt',
      `kv.cacertfile=${client.ca}`,
      '--discovery-opt',
      `kv.certfile=${client.cert}`,
      '--discovery-opt',
      `kv.keyfile=${client.key}`,
    ];
    const cfg = parseJoinArgs([
      '--advertise',
      list[0]?.addr ?? '',
      '--heartbeat',
      '1s',
      '--ttl',
      '30s',
      ...opts,
      `consul://${fake.addr}/s`,
    ]);
    const d = new ConsulDiscovery(`${fake.addr}/s`, { heartbeatMs: 1000, options: cfg.discoveryOpts });
    cleanups.push(() => d.stop());
    await kvRegistration(d, cfg).beat();
    const m = await manager([...opts, `consul://${fake.addr}/s`]);
    await waitFor('engine over TLS discovery', () => addrs(m).length === 1, 5000);
    // Plain HTTP to the TLS agent gets nowhere.
    const plain = await manager([`consul://${fake.addr}/s`]);
    await new Promise((r) => setTimeout(r, 500));
    expect(addrs(plain)).toEqual([]);
  });
});
