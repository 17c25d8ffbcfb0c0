// Containers on different engines reach each other on hosts Shoal did not set up: a lab of 4 plain engines
// that route nothing (`--no-routes`), a Compose app over 3 of them, TCP and UDP by address with the real
// source addresses, a 4th engine joining, an engine restarted, VXLAN forced, and nothing left behind.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStartNode, labStopNode, labUp, readLab } from '../../src/lab/lab.js';
import type { LabLayout } from '../../src/lab/layout.js';
import { inNetns } from '../../src/lab/run.js';
import { compose, docker, startShoal, until, type Shoal } from './support.js';

const LAB = 'paths';
let lab: LabLayout;
let shoal: Shoal | undefined;
let S = '';
const dir = mkdtempSync(join(tmpdir(), 'shoal-paths-'));
const discoveryFile = join(dir, 'engines');

const ARGS = ['--network-pool', '198.18.64.0/18', '--heartbeat', '1s'];

beforeAll(async () => {
  const stale = readLab(LAB);
  if (stale) await labDown(stale);
  lab = await labUp({ name: LAB, nodes: 4, subnetIndex: 7, routes: false });
  writeFileSync(
    discoveryFile,
    lab.nodes
      .slice(0, 3)
      .map((n) => `${n.addr}\n`)
      .join(''),
  );
  // web on node-0 (TCP, logs its clients), dns on node-2 (UDP: the host's dnsmasq, run in a container
  // through the helper image Shoal imports), a client on node-1.
  writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE);
}, 120_000);

afterAll(async () => {
  await shoal?.stop();
  if (lab && process.env['SHOAL_KEEP_LAB'] !== '1') await labDown(lab);
  rmSync(dir, { recursive: true, force: true });
});

const COMPOSE = `version: '3.8'
services:
  web:
    image: busybox:local
    command: httpd -f -vv -p 80 -h /tmp
    stop_grace_period: 1s
    environment: ['constraint:node==node-0']
  dns:
    image: shoal/host-helper:1
    entrypoint: [/usr/sbin/chroot, /host, /usr/sbin/dnsmasq]
    command: [--no-daemon, --port=53, --listen-address=0.0.0.0, --bind-interfaces, '--address=/x.test/198.18.99.99',
      --log-queries, --log-facility=-, --no-resolv, --no-hosts, --pid-file=, --user=root]
    volumes: ['/:/host:ro']
    stop_grace_period: 1s
    environment: ['constraint:node==node-2']
  client:
    image: busybox:local
    command: sleep 100000
    init: true
    environment: ['constraint:node==node-1']
`;

async function start(extra: string[] = []): Promise<void> {
  await shoal?.stop();
  const engines = readFileSync(discoveryFile, 'utf8').trim().split('\n').length;
  shoal = await startShoal([...ARGS, ...extra], { discovery: `file://${discoveryFile}`, engines });
  S = shoal.host;
}

const ipOf = async (c: string) =>
  (
    await docker(S, ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', c])
  ).stdout.trim();

/** An HTTP request from container `from` to `ip`: the status line, or '' when it does not get through. */
async function http(from: string, ip: string): Promise<string> {
  const r = await docker(S, [
    'exec',
    from,
    'sh',
    '-c',
    `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} 80 | head -n 1`,
  ]);
  return r.stdout.trim();
}

describe('cross-engine paths', () => {
  it('without them (--network-paths off), a container cannot reach one on another engine', async () => {
    await start(['--network-paths', 'off']);
    expect((await compose(S, dir, ['-p', 'app', 'up', '-d', 'web', 'client'])).code).toBe(0);
    const web = await ipOf('app_web_1');
    expect(await http('app_client_1', web)).toBe('');
    expect((await compose(S, dir, ['-p', 'app', 'down'])).code).toBe(0);
  });

  it('a Compose app over 3 engines: TCP and UDP by address, peers see the real source address', async () => {
    await start();
    const up = await compose(S, dir, ['-p', 'app', 'up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const [web, dns, client] = [await ipOf('app_web_1'), await ipOf('app_dns_1'), await ipOf('app_client_1')];
    expect(await http('app_client_1', web)).toMatch(/^HTTP\/1\.[01] 404/);
    const logs = await docker(S, ['logs', 'app_web_1']);
    expect(logs.stderr + logs.stdout).toContain(`[::ffff:${client}]`);
    const q = await docker(S, ['exec', 'app_client_1', 'nslookup', 'x.test', dns]);
    expect(q.stdout).toContain('198.18.99.99');
    const dnsLog = await docker(S, ['logs', 'app_dns_1']);
    expect(dnsLog.stdout + dnsLog.stderr).toMatch(
      new RegExp(`query\\[A+\\] x\\.test from ${client.replace(/\./g, '\\.')}`),
    );
    const info = await docker(S, ['info']);
    process.stdout.write(
      info.stdout
        .split('\n')
        .filter((l) => /node-\d:|└ Network/.test(l))
        .join('\n') + '\n',
    );
    expect(info.stdout.match(/└ Network: direct, 2\/2 peers/g)).toHaveLength(3);
  });

  it('a 4th engine joining is reachable', async () => {
    appendFileSync(discoveryFile, `${lab.nodes[3]?.addr ?? ''}\n`);
    await until('node-3 healthy', () => shoal?.manager.pool.healthy().length === 4, 20_000);
    const healthyAt = Date.now();
    // Its part of the app's network is made as it joins.
    await until('a container on node-3', async () => {
      const r = await docker(S, [
        'run',
        '-d',
        '--name',
        'late',
        '--net',
        'app_default',
        '-e',
        'constraint:node==node-3',
        'busybox:local',
        'sleep',
        '100000',
      ]);
      if (r.code !== 0) await docker(S, ['rm', '-f', 'late']);
      return r.code === 0;
    });
    const web = await ipOf('app_web_1');
    await until('node-3 reaches web', async () => (await http('late', web)).startsWith('HTTP/'), 15_000);
    process.stdout.write(
      `node-3 healthy → its container reached web on node-0: ${Date.now() - healthyAt} ms\n`,
    );
  });

  it('an engine restarted (dockerd rebuilds its chains) is reachable again', async () => {
    await labStopNode(lab, 1);
    await labStartNode(lab, 1);
    await until('node-1 healthy', () => shoal?.manager.pool.healthy().length === 4, 20_000);
    const r = await docker(S, ['start', 'app_client_1']);
    expect(r.code, r.stderr).toBe(0);
    const web = await ipOf('app_web_1');
    await until(
      'node-1 reaches web',
      async () => (await http('app_client_1', web)).startsWith('HTTP/'),
      15_000,
    );
    // Source addresses are still real: no masquerading crept back in front of Shoal's rules.
    const client = await ipOf('app_client_1');
    await until('web saw node-1 client', async () => {
      const logs = await docker(S, ['logs', '--since', '20s', 'app_web_1']);
      return (logs.stderr + logs.stdout).includes(`[::ffff:${client}]`);
    });
  });

  it('forced VXLAN between engines on one link works the same', async () => {
    await start(['--network-paths', 'vxlan']);
    await until(
      'vxlan everywhere',
      async () => {
        const info = (await docker(S, ['info'])).stdout;
        return (info.match(/└ Network: vxlan, 3\/3 peers/g) ?? []).length === 4;
      },
      20_000,
    );
    expect(await http('late', await ipOf('app_web_1'))).toMatch(/^HTTP\//);
    const routes = await inNetns(lab.nodes[3]?.netns ?? '', 'ip', ['route', 'show', 'proto', '233']);
    expect(routes).toContain('dev shoal.vx');
  });

  it('removing the network removes every route, device and rule Shoal made', async () => {
    await docker(S, ['rm', '-f', 'late']);
    expect((await compose(S, dir, ['-p', 'app', 'down'])).code).toBe(0);
    for (const node of lab.nodes) {
      await until(`${node.name} clean`, async () => {
        const routes = await inNetns(node.netns, 'ip', ['route', 'show', 'proto', '233']);
        const links = await inNetns(node.netns, 'ip', ['-br', 'link']);
        const rules = await inNetns(node.netns, 'iptables-save', []);
        return routes.trim() === '' && !links.includes('shoal.vx') && !rules.includes('SHOAL')
          ? true
          : undefined;
      });
    }
  });
});
