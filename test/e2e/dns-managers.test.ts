// The embedded DNS with two managers (--replication, the fake Consul) on 3 plain engines (a --no-routes lab,
// so Shoal's own paths carry everything): a container made through the replica gets both managers'
// resolvers; from a container, each resolver answers the service name with every replica on every engine
// (so each manager's address is routed to it, from the container's own address); and with the leader
// stopped, names still resolve through the other.
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsulConnection } from '../../src/consul/connection.js';
import { labDown, labUp, readLab } from '../../src/lab/lab.js';
import type { LabLayout } from '../../src/lab/layout.js';
import { FakeConsul } from '../support/fake-consul.js';
import { freePort } from '../support/free-port.js';
import { E2E_LAB, E2E_SUBNET } from './lab-config.js';
import { shoal, type Child } from './processes.js';
import { compose, docker, until } from './support.js';

// A lab of its own beside the suite's (198.18.<E2E_SUBNET>.0/24): 198.18.<E2E_SUBNET + 100>.0/24, and
// resolver addresses and cluster subnets derived from the same number, so suites side by side stay apart.
const LAB = `${E2E_LAB}dm`.slice(0, 8);
const SUBNET = E2E_SUBNET + 100;
const DNS_A = `198.18.${200 + E2E_SUBNET}.53`;
const DNS_B = `198.18.${200 + E2E_SUBNET}.54`;
const POOL = `198.18.${128 + (E2E_SUBNET % 16) * 4}.0/22`;
const TTL_S = 4;

let lab: LabLayout;
let fake: FakeConsul;
let stub: Socket;
const managers = new Map<string, Child>();
const ports: number[] = [];
const dir = mkdtempSync(join(tmpdir(), 'shoal-dnsmm-'));

const COMPOSE = `version: '3.8'
services:
  web:
    image: busybox:local
    command: sh -c 'hostname > /tmp/index.html; exec httpd -f -p 80 -h /tmp'
    stop_grace_period: 1s
  client:
    image: busybox:local
    command: sleep 100000
    init: true
`;

function startManager(name: string, port: number, dns: string): Child {
  const c = shoal([
    ...['manage', '-H', `tcp://127.0.0.1:${port}`, '--advertise', `127.0.0.1:${port}`],
    ...['--replication', '--replication-ttl', `${TTL_S}s`, '--heartbeat', '1s'],
    ...['--engine-refresh-min-interval', '1s', '--engine-refresh-max-interval', '2s'],
    ...['--dns-listen', dns, '--dns-upstream', `127.0.0.1:${stub.address().port}`],
    ...['--network-pool', POOL],
    `consul://${fake.addr}/mm`,
  ]);
  managers.set(name, c);
  return c;
}

async function status(port: number): Promise<Record<string, string> | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/info`, { signal: AbortSignal.timeout(2000) });
    const body = (await r.json()) as { SystemStatus?: [string, string][] };
    return Object.fromEntries(body.SystemStatus ?? []);
  } catch {
    return undefined;
  }
}

const host = (port: number) => `tcp://127.0.0.1:${port}`;

function sh(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => execFile(cmd, args, (_err, out) => resolve(out)));
}

beforeAll(async () => {
  const stale = readLab(LAB);
  if (stale) await labDown(stale);
  lab = await labUp({ name: LAB, nodes: 3, subnetIndex: SUBNET, routes: false });
  // Names outside the cluster go to a stub on loopback, never to this machine's own resolver.
  stub = createSocket('udp4');
  stub.on('message', (msg, r) => {
    const q = dnsPacket.decode(msg);
    stub.send(dnsPacket.encode({ type: 'response', id: q.id, questions: q.questions }), r.port, r.address);
  });
  await new Promise<void>((r) => stub.bind(0, '127.0.0.1', () => r()));
  fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 2 });
  await fake.start();
  const conn = new ConsulConnection({ hosts: [fake.addr], prefix: '' });
  for (const n of lab.nodes) await conn.put(`mm/docker/swarm/nodes/${n.addr}`, n.addr);
  conn.close();
  ports.push(await freePort(), await freePort());
  writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE);
}, 180_000);

afterAll(async () => {
  const [, pb] = ports;
  if (pb) await compose(host(pb), dir, ['-p', 'mm', 'down']).catch(() => undefined);
  // A stop as an operator's: each manager takes its resolver address and its routes away.
  await Promise.all([...managers.values()].map((m) => m.kill('SIGTERM')));
  await fake?.close();
  stub?.close();
  if (lab && process.env['SHOAL_KEEP_LAB'] !== '1') await labDown(lab);
  // Whatever a manager killed harder left behind: only this test's own addresses and routes.
  for (const a of [DNS_A, DNS_B]) await sh('ip', ['addr', 'del', `${a}/32`, 'dev', 'lo']);
  const routes = await sh('ip', ['route', 'show', 'proto', '233']);
  const viaLab = new RegExp(`via 198\\.18\\.${SUBNET}\\.`);
  for (const line of routes.split('\n').filter((l) => viaLab.test(l)))
    await sh('ip', ['route', 'del', line.split(' ')[0] ?? '', 'proto', '233']);
  rmSync(dir, { recursive: true, force: true });
});

/** The addresses busybox's nslookup prints for a name (its own server lines left out), asked through B. */
async function lookup(container: string, name: string, server?: string): Promise<string[]> {
  const [, pb] = ports as [number, number];
  const r = await docker(host(pb), ['exec', container, 'nslookup', name, ...(server ? [server] : [])]);
  return [
    ...r.stdout
      .split(`Name:\t${name}`)
      .slice(1)
      .join('\n')
      .matchAll(/Address: (\S+)/g),
  ]
    .map((m) => m[1] ?? '')
    .sort();
}

describe('DNS with two managers', () => {
  it('both resolvers for containers, both answer every replica, the survivor answers alone', async () => {
    const [pa, pb] = ports as [number, number];
    const a = startManager('a', pa, DNS_A);
    await until('a leads', async () => (await status(pa))?.['Role'] === 'primary', 30_000);
    startManager('b', pb, DNS_B);
    await until('b follows a', async () => (await status(pb))?.['Primary'] === `127.0.0.1:${pa}`, 30_000);
    await until('b sees 3 engines', async () => (await status(pb))?.['Nodes'] === '3', 30_000);
    await until('both managers listed with their hosts', () => {
      const keys = fake.kvKeys('mm/docker/swarm/managers/');
      const hosts = keys.map((k) => JSON.parse(fake.kvRead(k)?.value ?? '{}') as { host?: string });
      return keys.length === 2 && hosts.every((h) => h.host === lab.hostIp);
    });

    // Through the replica (which forwards to the leader): a web on every engine and a client.
    const up = await compose(host(pb), dir, ['-p', 'mm', 'up', '-d', '--scale', 'web=3'], 180_000);
    expect(up.code, up.stderr).toBe(0);
    const inspect = (f: string, c: string) => docker(host(pb), ['inspect', '-f', f, c]);
    const dns = await inspect('{{json .HostConfig.Dns}}', 'mm_client_1');
    expect(JSON.parse(dns.stdout)).toEqual([DNS_A, DNS_B]);
    const webs = await Promise.all(
      [1, 2, 3].map(async (i) => ({
        ip: (
          await inspect('{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `mm_web_${i}`)
        ).stdout.trim(),
        node: (await inspect('{{.Node.Name}}', `mm_web_${i}`)).stdout.trim(),
      })),
    );
    const client = (await inspect('{{.Node.Name}}', 'mm_client_1')).stdout.trim();
    expect(new Set(webs.map((w) => w.node)).size).toBeGreaterThanOrEqual(2);
    expect(webs.some((w) => w.node !== client)).toBe(true);
    const all = webs.map((w) => w.ip).sort();

    // Each manager's resolver, asked directly from the client's own address on its engine.
    for (const server of [DNS_A, DNS_B])
      await until(
        `${server} lists every replica`,
        async () => ((await lookup('mm_client_1', 'web', server)).join() === all.join() ? true : undefined),
        30_000,
      );

    // The leader stops: its address goes; the client's resolver (Docker's, forwarding to A then B) still answers.
    await a.kill('SIGTERM');
    const stoppedAt = Date.now();
    await until('b leads', async () => (await status(pb))?.['Role'] === 'primary', 30_000);
    expect((await lookup('mm_client_1', 'web', DNS_B)).join()).toBe(all.join());
    const t0 = Date.now();
    expect((await lookup('mm_client_1', 'web')).join()).toBe(all.join());
    process.stdout.write(
      `leader stopped; b leads after ${t0 - stoppedAt} ms; a lookup through Docker's resolver took ${Date.now() - t0} ms\n`,
    );
    // Once the new leader has taken A's route off the engines (these have no default route), Docker's
    // resolver fails over at once.
    await until('a unlisted', () => fake.kvKeys('mm/docker/swarm/managers/').length === 1, 30_000);
    await until(
      'no engine routes a’s resolver',
      async () => {
        const routes = await Promise.all(
          lab.nodes.map((n) => sh('ip', ['-n', n.netns, 'route', 'show', 'proto', '233'])),
        );
        return routes.every((r) => !r.includes(DNS_A)) && routes.every((r) => r.includes(DNS_B));
      },
      30_000,
    );
    const t1 = Date.now();
    expect((await lookup('mm_client_1', 'web')).join()).toBe(all.join());
    process.stdout.write(
      `with a's route gone, a lookup through Docker's resolver took ${Date.now() - t1} ms\n`,
    );
    // New containers get the resolver that is left.
    const late = await docker(host(pb), ['run', '-d', '--name', 'mm-late', 'busybox:local', 'sleep', '100']);
    expect(late.code, late.stderr).toBe(0);
    expect(JSON.parse((await inspect('{{json .HostConfig.Dns}}', 'mm-late')).stdout)).toEqual([DNS_B]);
    await docker(host(pb), ['rm', '-f', 'mm-late']);
  });
});
