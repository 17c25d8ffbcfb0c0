// Every manager serves the ingress ports (--replication, Consul): the replica reads the services from the
// store each second and balances over the tasks its own pool sees, on its own --ingress-listen address.
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { FakeConsul } from '../support/fake-consul.js';
import { FakeEngine } from '../support/fake-engine.js';
import { freePort } from '../support/free-port.js';
import { call } from '../support/http.js';
import { waitFor } from '../support/wait.js';

let managers: Manager[] = [];
let engines: FakeEngine[] = [];
let consul: FakeConsul | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await Promise.all(engines.map((e) => e.stop()));
  await consul?.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  managers = [];
  engines = [];
  consul = undefined;
});

function answer(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('close', () => resolve(out));
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe('ingress with --replication', () => {
  it('the leader and the replica both serve a published port, and both close it', async () => {
    setLogSink(() => undefined);
    consul = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 1 });
    await consul.start();
    engines = [0, 1].map((i) => new FakeEngine({ name: `node-${i}` }));
    await Promise.all(engines.map((e) => e.start()));
    for (const [i, e] of engines.entries()) {
      const server = createServer((s) => s.end(`node-${i}`));
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      e.ephemeralPort = () => port;
      await fetch(`http://${consul.addr}/v1/kv/svc/docker/swarm/nodes/${e.addr}`, {
        method: 'PUT',
        body: e.addr,
      });
    }
    const start = async (port: number, ingress: string) => {
      const m = await startManager(
        parseManageArgs([
          '-H',
          `tcp://127.0.0.1:${port}`,
          '--ingress-listen',
          ingress,
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
          `consul://${consul?.addr}/svc`,
        ]),
      );
      managers.push(m);
      await waitFor('engines healthy', () => m.pool.healthy().length === 2, 5000);
      return m;
    };
    const [pa, pb] = [await freePort(), await freePort()];
    await start(pa, '127.0.0.1');
    await waitFor('a leads', () => consul?.kvRead('svc/docker/swarm/leader')?.session !== undefined, 5000);
    const b = await start(pb, '127.0.0.2');
    const published = await freePort();
    const made = await call(`http://127.0.0.1:${pb}`, 'POST', '/v1.41/services/create', {
      Name: 'web',
      TaskTemplate: { ContainerSpec: { Image: 'busybox:local', Args: ['httpd'] } },
      Mode: { Replicated: { Replicas: 2 } },
      EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: published }] },
    });
    expect(made.status, made.text).toBe(201);
    for (const host of ['127.0.0.1', '127.0.0.2'])
      await waitFor(`${host} serving both tasks`, async () => {
        const got = new Set([await answer(host, published), await answer(host, published)]);
        return got.has('node-0') && got.has('node-1');
      });
    expect(await b.ingress?.listening()).toEqual([`${published}/tcp`]);
    expect((await call(`http://127.0.0.1:${pb}`, 'DELETE', '/v1.41/services/web')).status).toBe(200);
    for (const host of ['127.0.0.1', '127.0.0.2'])
      await waitFor(`${host} closed`, async () => (await answer(host, published)) === 'ECONNREFUSED', 3000);
  });
});
