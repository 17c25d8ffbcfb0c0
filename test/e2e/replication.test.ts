// Two managers with --replication (child processes) in front of the lab, engines found in the fake Consul:
// the Docker CLI works through either, hijacked streams included; killing the leader hands over within the
// lock TTL plus a second, and the CLI works again through the survivor.
import { clusterIdentity } from '../../src/discovery/identity.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsulConnection } from '../../src/consul/connection.js';
import { FakeConsul } from '../support/fake-consul.js';
import { shoal, type Child } from './processes.js';
import { cleanEngines, docker, engineHost, lab, until } from './support.js';
import { freePort } from '../support/free-port.js';

const TTL_S = 4;
let fake: FakeConsul;
const managers: Child[] = [];
const ports: number[] = [];

function startManager(port: number): Child {
  const c = shoal([
    'manage',
    '-H',
    `tcp://127.0.0.1:${port}`,
    '--replication',
    '--advertise',
    `127.0.0.1:${port}`,
    '--replication-ttl',
    `${TTL_S}s`,
    '--engine-refresh-min-interval',
    '1s',
    '--engine-refresh-max-interval',
    '2s',
    '--heartbeat',
    '1s',
    `consul://${fake.addr}/ha`,
  ]);
  managers.push(c);
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

/** A network's subnet on one engine, asked of the engine directly ("" when it has no such network). */
async function subnetOn(i: number, name: string): Promise<string> {
  const r = await docker(engineHost(i), [
    'network',
    'inspect',
    '--format',
    '{{range .IPAM.Config}}{{.Subnet}}{{end}}',
    name,
  ]);
  return r.code === 0 ? r.stdout.trim() : '';
}

beforeAll(async () => {
  await cleanEngines();
  fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 2 });
  await fake.start();
  // Engines registered without TTL, as an operator would write them.
  const conn = new ConsulConnection({ hosts: [fake.addr], prefix: '' });
  for (const n of lab().nodes) await conn.put(`ha/docker/swarm/nodes/${n.addr}`, n.addr);
  conn.close();
  ports.push(await freePort(), await freePort());
});
afterAll(async () => {
  await Promise.all(managers.map((m) => m.kill()));
  await fake.close();
  await cleanEngines();
});

describe('two managers', () => {
  it('elect one leader; the CLI works through both; the survivor of a killed leader takes over', async () => {
    const [pa, pb] = ports as [number, number];
    const a = startManager(pa);
    await until('a leads', async () => (await status(pa))?.['Role'] === 'primary', 15_000);
    const b = startManager(pb);
    await until(
      'b is a replica of a',
      async () => (await status(pb))?.['Primary'] === `127.0.0.1:${pa}`,
      15_000,
    );
    expect((await status(pb))?.['Role']).toBe('replica');
    await until('b sees 3 engines', async () => (await status(pb))?.['Nodes'] === '3', 15_000);

    for (const p of [pa, pb]) {
      const r = await docker(host(p), ['run', '--rm', '-i', 'busybox:local', 'cat'], { input: `via ${p}\n` });
      expect(r.stdout).toBe(`via ${p}\n`);
    }
    const started = await docker(host(pb), [
      'run',
      '-d',
      '--name',
      'ha-sleeper',
      'busybox:local',
      'sleep',
      '300',
    ]);
    expect(started.code).toBe(0);
    const ex = await docker(host(pb), ['exec', '-i', 'ha-sleeper', 'cat'], { input: 'exec via replica\n' });
    expect(ex.stdout).toBe('exec via replica\n');
    expect((await docker(host(pa), ['ps', '--format', '{{.Names}}'])).stdout).toContain('ha-sleeper');

    // A cluster network made through the replica before the failover: its subnets are in the Consul store.
    expect((await docker(host(pb), ['network', 'create', 'ha-net'])).code).toBe(0);
    const subnets = await Promise.all(lab().nodes.map((_n, i) => subnetOn(i, 'ha-net')));
    expect(subnets.every((x) => /^198\.19\.\d+\.0\/24$/.test(x))).toBe(true);
    // The cluster's records live under its identity (the discovery URL).
    const cluster = clusterIdentity(`consul://${fake.addr}/ha`);
    expect(fake.kvKeys(`ha/shoal/state/clusters/${cluster}/networks/`)).toHaveLength(1);

    await a.kill('SIGKILL');
    const t0 = Date.now();
    // While nobody leads, node-2 loses its part; the new leader makes it again on the recorded subnet.
    expect((await docker(engineHost(2), ['network', 'rm', 'ha-net'])).code).toBe(0);
    await until('b leads', async () => (await status(pb))?.['Role'] === 'primary', 15_000);
    const failover = Date.now() - t0;
    expect(failover).toBeLessThan(TTL_S * 1000 + 1000);
    expect(b.output()).toContain('Leader Election: Cluster leadership acquired');

    const r = await docker(host(pb), ['run', '--rm', '-i', 'busybox:local', 'cat'], {
      input: 'after failover\n',
    });
    expect(r.stdout).toBe('after failover\n');
    const ex2 = await docker(host(pb), ['exec', '-i', 'ha-sleeper', 'cat'], { input: 'still there\n' });
    expect(ex2.stdout).toBe('still there\n');

    await until('node-2 part back', async () => (await subnetOn(2, 'ha-net')) === subnets[2], 15_000);
    const ip = await docker(host(pb), [
      'run',
      '--rm',
      '--network',
      'ha-net',
      '-e',
      'constraint:node==node-2',
      'busybox:local',
      'sh',
      '-c',
      "ip -4 -o addr show eth0 | awk '{print $4}'",
    ]);
    const prefix = (subnets[2] ?? '').replace(/0\/24$/, '');
    expect(ip.stdout.trim().startsWith(prefix)).toBe(true);
    expect((await docker(host(pb), ['network', 'rm', 'ha-net'])).code).toBe(0);
  });
});
