// TLS everywhere on real engines: a 2-node lab of its own whose dockerd listen on :2376 only, with
// --tlsverify; Shoal --tlsverify in front; the real Docker CLI with DOCKER_TLS_VERIFY and client certificates.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { labCertDirs } from '../../src/lab/certs.js';
import { labDown, labUp, readLab } from '../../src/lab/lab.js';
import type { LabLayout } from '../../src/lab/layout.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { docker, until } from './support.js';
import { tempStore } from '../support/temp-store.js';

const store = tempStore();

const LAB = 'tlsnodes';
const SUBNET = 5;

let lab: LabLayout;
let manager: Manager | undefined;
let host = '';
/** Shoal's certificates (manager/) and a CLI user's (client/), each dir with ca.pem, cert.pem, key.pem. */
let dirs: { manager: string; client: string };
/** A DOCKER_CERT_PATH with the CA only: the CLI checks Shoal but has no certificate to show. */
let caOnly = '';

const tlsEnv = (certPath: string) => ({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath });
const viaTls = (args: string[], input?: string, certPath = dirs.client) =>
  docker(host, args, { input, env: tlsEnv(certPath), timeoutMs: 60_000 });

function curl(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '5', ...args], (err, stdout) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout });
    });
  });
}

beforeAll(async () => {
  const stale = readLab(LAB);
  if (stale) await labDown(stale);
  lab = await labUp({ name: LAB, nodes: 2, subnetIndex: SUBNET, tls: true });
  dirs = labCertDirs(lab);
  caOnly = mkdtempSync(join(tmpdir(), 'shoal-ca-only-'));
  copyFileSync(join(dirs.client, 'ca.pem'), join(caOnly, 'ca.pem'));
  setLogSink(() => undefined);
  const m = dirs.manager;
  manager = await startManager(
    parseManageArgs([
      ...store.args,
      '-H',
      'tcp://127.0.0.1:0',
      '--tlsverify',
      '--tlscacert',
      join(m, 'ca.pem'),
      '--tlscert',
      join(m, 'cert.pem'),
      '--tlskey',
      join(m, 'key.pem'),
      '--engine-refresh-min-interval',
      '1s',
      '--engine-refresh-max-interval',
      '2s',
      lab.nodes.map((n) => n.addr).join(','),
    ]),
  );
  host = manager.urls()[0] ?? '';
  const mgr = manager;
  await until('both TLS engines healthy', () => mgr.pool.healthy().length === 2, 30_000);
});

afterAll(async () => {
  await manager?.stop();
  store.remove();
  if (lab && process.env['SHOAL_KEEP_LAB'] !== '1') await labDown(lab);
});

describe('engines on TLS', () => {
  it('listen on 2376 only, and want a client certificate signed by the lab CA', async () => {
    const node = lab.nodes[0];
    if (!node) throw new Error('no node-0');
    expect(node.addr).toBe(`198.18.${SUBNET}.10:2376`);
    expect((await curl([`http://198.18.${SUBNET}.10:2375/_ping`])).code).not.toBe(0);
    const ca = join(dirs.manager, 'ca.pem');
    expect((await curl(['--cacert', ca, `https://${node.addr}/_ping`])).code).not.toBe(0);
    const withCert = await curl([
      '--cacert',
      ca,
      '--cert',
      join(dirs.manager, 'cert.pem'),
      '--key',
      join(dirs.manager, 'key.pem'),
      `https://${node.addr}/_ping`,
    ]);
    expect(withCert).toEqual({ code: 0, stdout: 'OK' });
  });

  it('are what Shoal talks to: https origins, both engines shown on :2376', async () => {
    expect(manager?.pool.all().map((e) => e.client.endpoint.origin)).toEqual(
      lab.nodes.map((n) => `https://${n.addr}`),
    );
    const r = await viaTls(['info']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(' Nodes: 2');
    expect(r.stdout.match(/└ Status: Healthy/g)).toHaveLength(2);
    for (const n of lab.nodes) expect(r.stdout).toContain(`  ${n.name}: ${n.addr}`);
  });
});

describe('the Docker CLI with DOCKER_TLS_VERIFY', () => {
  it('runs a container on each engine', async () => {
    for (const n of lab.nodes) {
      const on = ['-e', `constraint:node==${n.name}`];
      const r = await viaTls(['run', '--rm', ...on, 'busybox:local', 'echo', `hi from ${n.name}`]);
      expect(r).toMatchObject({ code: 0, stdout: `hi from ${n.name}\n` });
    }
  });

  it('run -i: stdin through the hijack over TLS on both sides, EOF ends it', async () => {
    const r = await viaTls(['run', '-i', '--rm', 'busybox:local', 'cat'], 'hello over TLS\nline two\n');
    expect(r).toMatchObject({ code: 0, stdout: 'hello over TLS\nline two\n' });
  });

  it('exec -i into a running container', async () => {
    const name = 'tls-exec';
    const d = await viaTls([
      'run',
      '-d',
      '--name',
      name,
      '-e',
      'constraint:node==node-1',
      'busybox:local',
      'sleep',
      '300',
    ]);
    expect(d.code).toBe(0);
    try {
      const node = await viaTls(['inspect', '--format', '{{.Node.Name}} {{.Node.Addr}}', name]);
      expect(node.stdout).toBe(`node-1 198.18.${SUBNET}.11:2376\n`);
      const r = await viaTls(['exec', '-i', name, 'sh', '-c', 'cat; echo done'], 'piped\n');
      expect(r).toMatchObject({ code: 0, stdout: 'piped\ndone\n' });
    } finally {
      await viaTls(['rm', '-f', name]);
    }
  });
});

describe('clients without a certificate', () => {
  it('the CLI with only the CA is refused, and so is plain HTTP', async () => {
    const noCert = await viaTls(['info'], undefined, caOnly);
    expect(noCert.code).not.toBe(0);
    expect(noCert.stderr).toMatch(/certificate|tls|remote error|connection reset/i);
    const plain = await docker(host, ['info'], { timeoutMs: 20_000 });
    expect(plain.code).not.toBe(0);
  });

  it('curl is refused without a client certificate, served with one', async () => {
    const url = host.replace('tcp://', 'https://') + '/_ping';
    const ca = join(dirs.client, 'ca.pem');
    expect((await curl(['--cacert', ca, url])).code).not.toBe(0);
    const ok = await curl([
      '--cacert',
      ca,
      '--cert',
      join(dirs.client, 'cert.pem'),
      '--key',
      join(dirs.client, 'key.pem'),
      url,
    ]);
    expect(ok).toEqual({ code: 0, stdout: 'OK' });
  });
});
