// The embedded DNS on 3 plain engines (a --no-routes lab, so Shoal's own paths carry everything): a Compose
// app whose web has 4 replicas over the engines, found by name from any engine with every healthy replica,
// spread, following stops and health; two projects apart; a swarm service's tasks.<name>; names that are
// not the cluster's forwarded to a stub upstream on loopback (never the machine's own resolver).
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, readLab } from '../../src/lab/lab.js';
import type { LabLayout } from '../../src/lab/layout.js';
import { compose, docker, startShoal, until, type Shoal } from './support.js';

const LAB = 'dnsl';
const DNS_IP = '198.18.250.53';
let lab: LabLayout;
let shoal: Shoal | undefined;
let S = '';
let stub: Socket;
const root = mkdtempSync(join(tmpdir(), 'shoal-dns-'));
const [dirA, dirB] = [join(root, 'a'), join(root, 'b')];

const WEB = `
  web:
    image: busybox:local
    command: sh -c 'hostname > /tmp/index.html; exec httpd -f -p 80 -h /tmp'
    stop_grace_period: 1s
  client:
    image: busybox:local
    command: sleep 100000
    init: true`;

const HEALTH = `
  hc:
    image: busybox:local
    command: sh -c 'touch /tmp/ok; exec httpd -f -p 80 -h /tmp'
    stop_grace_period: 1s
    healthcheck: { test: ['CMD', 'test', '-f', '/tmp/ok'], interval: 1s, timeout: 1s, retries: 1 }`;

beforeAll(async () => {
  const stale = readLab(LAB);
  if (stale) await labDown(stale);
  lab = await labUp({ name: LAB, nodes: 3, subnetIndex: 9, routes: false });
  stub = createSocket('udp4');
  stub.on('message', (msg, r) => {
    const q = dnsPacket.decode(msg);
    const name = q.questions?.[0]?.name ?? '';
    const a = q.questions?.[0]?.type === 'A';
    const answers = a ? [{ type: 'A' as const, name, ttl: 30, data: '198.18.200.7' }] : [];
    stub.send(
      dnsPacket.encode({ type: 'response', id: q.id, questions: q.questions, answers }),
      r.port,
      r.address,
    );
  });
  await new Promise<void>((r) => stub.bind(0, '127.0.0.1', () => r()));
  for (const [dir, extra] of [
    [dirA, HEALTH],
    [dirB, ''],
  ] as const) {
    rmSync(dir, { recursive: true, force: true });
    await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
    writeFileSync(join(dir, 'docker-compose.yml'), `version: '3.8'\nservices:${WEB}${extra}\n`);
  }
  shoal = await startShoal(
    [
      '--network-pool',
      '198.18.64.0/18',
      '--dns-listen',
      DNS_IP,
      '--dns-upstream',
      `127.0.0.1:${stub.address().port}`,
    ],
    { discovery: lab.nodes.map((n) => n.addr).join(','), engines: 3 },
  );
  S = shoal.host;
}, 120_000);

afterAll(async () => {
  await compose(S, dirA, ['-p', 'a', 'down']).catch(() => undefined);
  await compose(S, dirB, ['-p', 'b', 'down']).catch(() => undefined);
  await shoal?.stop();
  stub?.close();
  if (lab && process.env['SHOAL_KEEP_LAB'] !== '1') await labDown(lab);
  rmSync(root, { recursive: true, force: true });
});

/** The addresses busybox's nslookup prints for a name (its own server line left out). */
async function lookup(container: string, name: string): Promise<string[]> {
  const r = await docker(S, ['exec', container, 'nslookup', name]);
  return [
    ...r.stdout
      .split(`Name:\t${name}`)
      .slice(1)
      .join('\n')
      .matchAll(/Address: (\S+)/g),
  ].map((m) => m[1] ?? '');
}

const ipOf = async (c: string) =>
  (
    await docker(S, ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', c])
  ).stdout.trim();

describe('the embedded DNS', () => {
  it('a Compose web with 4 replicas over 3 engines: every replica, from any engine, first address spread', async () => {
    expect((await compose(S, dirA, ['-p', 'a', 'up', '-d', '--scale', 'web=4'])).code).toBe(0);
    const webs = await Promise.all([1, 2, 3, 4].map((i) => ipOf(`a_web_${i}`)));
    const nodes = await Promise.all(
      [1, 2, 3, 4].map(async (i) =>
        (await docker(S, ['inspect', '-f', '{{.Node.Name}}', `a_web_${i}`])).stdout.trim(),
      ),
    );
    expect(new Set(nodes).size).toBeGreaterThanOrEqual(2);
    expect((await lookup('a_client_1', 'web')).sort()).toEqual([...webs].sort());
    // The engine's own resolver does not know the name: it is held by Shoal, and inspect still shows it.
    const aliases = await docker(S, [
      'inspect',
      '-f',
      '{{json .NetworkSettings.Networks.a_default.Aliases}}',
      'a_web_1',
    ]);
    expect(aliases.stdout).toContain('"web"');
    // 200 lookups in one go inside the client: each lists all 4; the first address is spread.
    const loop = await docker(
      S,
      ['exec', 'a_client_1', 'sh', '-c', 'for i in $(seq 200); do nslookup web; echo END; done'],
      { timeoutMs: 120_000 },
    );
    const runs = loop.stdout.split('END').filter((b) => b.includes('Name:'));
    expect(runs).toHaveLength(200);
    const firsts = new Map<string, number>();
    for (const run of runs) {
      const addrs = [
        ...run
          .split('Name:\tweb')
          .slice(1)
          .join('\n')
          .matchAll(/Address: (\S+)/g),
      ].map((m) => m[1] ?? '');
      expect(addrs.sort()).toEqual([...webs].sort());
      const first = /Name:\tweb\nAddress: (\S+)/.exec(run)?.[1] ?? '';
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    // χ² against an even spread over 4 (3 degrees of freedom, p = 0.001: 16.27).
    const chi = [...firsts.values()].reduce((s, n) => s + (n - 50) ** 2 / 50, 0) + (4 - firsts.size) * 50;
    process.stdout.write(
      `first answers over 200 lookups: ${JSON.stringify([...firsts.values()])}, χ² = ${chi.toFixed(2)}\n`,
    );
    expect(chi).toBeLessThan(16.27);
  });

  it('HTTP by service name reaches replicas on other engines', async () => {
    const r = await docker(
      S,
      [
        'exec',
        'a_client_1',
        'sh',
        '-c',
        "for i in $(seq 40); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 web 80 | tail -n 1; done",
      ],
      { timeoutMs: 120_000 },
    );
    const hosts = new Set(
      r.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /^[0-9a-f]{12}$/.test(l)),
    );
    expect(hosts.size).toBeGreaterThanOrEqual(3);
  });

  it('a stopped replica leaves the answers; an unhealthy one too', async () => {
    const gone = await ipOf('a_web_4');
    await docker(S, ['stop', '-t', '1', 'a_web_4']);
    const stoppedAt = Date.now();
    await until(
      'stopped replica gone',
      async () => !(await lookup('a_client_1', 'web')).includes(gone),
      10_000,
    );
    process.stdout.write(`stopped replica gone from the answers after ${Date.now() - stoppedAt} ms\n`);
    const hc = await ipOf('a_hc_1');
    await until(
      'hc healthy and answered',
      async () => (await lookup('a_client_1', 'hc')).includes(hc),
      20_000,
    );
    await docker(S, ['exec', 'a_hc_1', 'rm', '/tmp/ok']);
    await until(
      'unhealthy replica gone',
      async () => (await lookup('a_client_1', 'hc')).length === 0,
      20_000,
    );
  });

  it('two Compose projects that both have a web stay apart', async () => {
    expect((await compose(S, dirB, ['-p', 'b', 'up', '-d'])).code).toBe(0);
    const bWeb = await ipOf('b_web_1');
    expect(await lookup('b_client_1', 'web')).toEqual([bWeb]);
    expect(await lookup('a_client_1', 'web')).not.toContain(bWeb);
    // Qualified, from any network: <service>.<project>.
    expect(await lookup('a_client_1', 'web.b')).toEqual([bWeb]);
  });

  it("a swarm service's name and tasks.<name> list its tasks", async () => {
    expect((await docker(S, ['network', 'create', 'svcnet'])).code).toBe(0);
    const made = await docker(S, [
      'service',
      'create',
      '-d',
      '--name',
      'api',
      '--replicas',
      '3',
      '--network',
      'svcnet',
      'busybox:local',
      'httpd',
      '-f',
      '-p',
      '80',
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(
      (
        await docker(S, [
          'run',
          '-d',
          '--name',
          'asker',
          '--net',
          'svcnet',
          'busybox:local',
          'sleep',
          '100000',
        ])
      ).code,
    ).toBe(0);
    const tasks = await until(
      '3 tasks answered',
      async () => {
        const a = await lookup('asker', 'tasks.api');
        return a.length === 3 ? a : undefined;
      },
      30_000,
    );
    expect((await lookup('asker', 'api')).sort()).toEqual([...tasks].sort());
    await docker(S, ['service', 'rm', 'api']);
    await docker(S, ['rm', '-f', 'asker']);
  });

  it('names that are not the cluster’s go to the upstream; an unknown single name is NXDOMAIN', async () => {
    expect(await lookup('a_client_1', 'example.test')).toEqual(['198.18.200.7']);
    const r = await docker(S, ['exec', 'a_client_1', 'nslookup', 'nobody-here']);
    expect(r.stdout + r.stderr).toMatch(/NXDOMAIN|can't find/);
  });
});
