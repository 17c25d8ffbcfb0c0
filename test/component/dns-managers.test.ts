// The embedded DNS with two managers (--replication, fake Consul): both serve the same cluster-wide answers
// from their own engine caches, a container made through either gets both resolvers (its creator's first),
// and one made after a manager left gets the ones left.
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { FakeConsul } from '../support/fake-consul.js';
import { FakeEngine, runningState } from '../support/fake-engine.js';
import { freePort } from '../support/free-port.js';
import { call } from '../support/http.js';
import { waitFor } from '../support/wait.js';

let managers: Manager[] = [];
let engines: FakeEngine[] = [];
let consul: FakeConsul | undefined;

afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await Promise.all(engines.map((e) => e.stop()));
  await consul?.close();
  managers = [];
  engines = [];
  consul = undefined;
});

/** The A records of `name` from the DNS at host:port, sorted (none when it does not answer within 1 s). */
function lookup(host: string, port: number, name: string): Promise<string[]> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve([]);
    }, 1000);
    s.on('message', (msg) => {
      clearTimeout(timer);
      s.close();
      const answers = dnsPacket.decode(msg).answers ?? [];
      resolve(answers.map((a) => String((a as { data: unknown }).data)).sort());
    });
    s.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name }] }), port, host);
  });
}

const MANAGERS_KEY = 'mm/docker/swarm/managers/';

describe('DNS with several managers', () => {
  it('every manager answers alike; containers get every manager’s resolver, kept current', async () => {
    setLogSink(() => undefined);
    consul = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 1 });
    await consul.start();
    engines = [0, 1].map((i) => new FakeEngine({ name: `node-${i}` }));
    await Promise.all(engines.map((e) => e.start()));
    for (const e of engines)
      await fetch(`http://${consul.addr}/v1/kv/mm/docker/swarm/nodes/${e.addr}`, {
        method: 'PUT',
        body: e.addr,
      });
    const start = async (port: number, dns: string) => {
      const m = await startManager(
        parseManageArgs([
          ...['-H', `tcp://127.0.0.1:${port}`, '--dns-listen', dns, '--dns-upstream', '127.0.0.1:9'],
          ...['--engine-refresh-min-interval', '1s', '--engine-refresh-max-interval', '1s'],
          ...['--heartbeat', '1s', '--replication', '--replication-ttl', '2s'],
          ...['--advertise', `127.0.0.1:${port}`, `consul://${consul?.addr}/mm`],
        ]),
      );
      managers.push(m);
      await waitFor('engines healthy', () => m.pool.healthy().length === 2, 5000);
      return m;
    };
    const [pa, pb, da, db] = [await freePort(), await freePort(), await freePort(), await freePort()];
    await start(pa, `127.0.0.3:${da}`);
    await waitFor('a leads', () => consul?.kvRead('mm/docker/swarm/leader')?.session !== undefined, 5000);
    const b = await start(pb, `127.0.0.4:${db}`);
    await waitFor('both listed', () => consul?.kvKeys(MANAGERS_KEY).length === 2, 5000);
    expect(JSON.parse(consul.kvRead(`${MANAGERS_KEY}127.0.0.1:${pb}`)?.value ?? '{}')).toMatchObject({
      advertise: `127.0.0.1:${pb}`,
      resolvers: ['127.0.0.4'],
    });

    // Replicas of web on both engines: each manager knows them from its own engines' caches.
    for (const [i, e] of engines.entries())
      e.addContainer(`p_web_${i + 1}`, {
        Labels: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'web' },
        State: runningState(),
        Networks: { p_default: { NetworkID: `net-${i}`, IPAddress: `198.19.9${i}.10`, Aliases: [] } },
      });
    const want = ['198.19.90.10', '198.19.91.10'];
    await waitFor(
      'a answers both',
      async () => (await lookup('127.0.0.3', da, 'web.p')).join() === want.join(),
    );
    await waitFor(
      'b answers both',
      async () => (await lookup('127.0.0.4', db, 'web.p')).join() === want.join(),
    );

    // Made through the replica (forwarded to the leader) or the leader: both resolvers, the leader's first.
    const dnsOf = async (port: number, name: string) => {
      const made = await call(`http://127.0.0.1:${port}`, 'POST', `/v1.41/containers/create?name=${name}`, {
        Image: 'busybox:local',
        HostConfig: { Dns: ['198.18.200.1'] },
      });
      expect(made.status, made.text).toBe(201);
      const c = engines.flatMap((e) => [...e.containers.values()]).find((x) => x.Name === `/${name}`);
      return { dns: c?.HostConfig['Dns'], upstream: c?.Labels['com.docker.shoal.dns.upstream'] };
    };
    expect(await dnsOf(pb, 'via-b')).toEqual({ dns: ['127.0.0.3', '127.0.0.4'], upstream: '198.18.200.1' });
    expect(await dnsOf(pa, 'via-a')).toEqual({ dns: ['127.0.0.3', '127.0.0.4'], upstream: '198.18.200.1' });

    // B leaves: new containers get A's resolver alone.
    await b.stop();
    managers = managers.filter((m) => m !== b);
    await waitFor('b unlisted', () => consul?.kvKeys(MANAGERS_KEY).length === 1, 5000);
    await waitFor('a knows', async () => {
      const made = await dnsOf(pa, `after-${Date.now()}`);
      return JSON.stringify(made.dns) === '["127.0.0.3"]';
    });
  });
});
