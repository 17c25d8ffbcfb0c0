// Fan-outs that fail on one engine: reported clearly, and nothing half-made left that Shoal does not show.
import { execFile } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';

let c: FakeCluster | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

function docker(host: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.env['SHOAL_DOCKER_CLI'] ?? '/usr/local/bin/docker',
      args,
      { env: { ...process.env, DOCKER_HOST: host }, timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

it('a pull that dies on one engine is reported by node, with the CLI exiting 1; the others got the image', async () => {
  c = await fakeCluster([{}, {}]);
  const host = c.base.replace('http://', 'tcp://');
  const [e0, e1] = c.engines;
  if (!e0 || !e1) throw new Error('engines');
  e1.pullMode = 'die';
  const r = await docker(host, ['pull', 'example/app:1']);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/node-0: Pulling docker\.io\/example\/app:1\.\.\. : layer0: Pull complete/);
  expect(r.stderr).toMatch(/node-1: .*(closed|socket|reset|terminated)/i);
  expect(r.stderr).not.toContain('node-0:');
  await waitFor('image listed', async () =>
    (await call<{ RepoTags: string[] }[]>(c?.base ?? '', 'GET', '/images/json')).body.some((i) =>
      i.RepoTags.includes('example/app:1'),
    ),
  );
  const onNode0 = await call<unknown[]>(
    c.base,
    'GET',
    `/images/json?filters=${encodeURIComponent('{"node":["node-0"],"reference":["example/app"]}')}`,
  );
  const onNode1 = await call<unknown[]>(
    c.base,
    'GET',
    `/images/json?filters=${encodeURIComponent('{"node":["node-1"],"reference":["example/app"]}')}`,
  );
  expect([onNode0.body.length, onNode1.body.length]).toEqual([1, 0]);
});

it('a network that cannot be made on one engine is made on none, and the error names the engine', async () => {
  c = await fakeCluster([{}, {}]);
  const host = c.base.replace('http://', 'tcp://');
  const [e0, e1] = c.engines;
  if (!e0 || !e1) throw new Error('engines');
  e1.failNetworkCreate = true;
  const r = await docker(host, ['network', 'create', 'half']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(
    'network half could not be created on every engine: node-1: fake engine: network create failed',
  );
  expect(e0.networks.size).toBe(0);
  expect(e1.networks.size).toBe(0);
  expect((await docker(host, ['network', 'ls', '--filter', 'name=half', '-q'])).stdout).toBe('');
  e1.failNetworkCreate = false;
  const ok = await docker(host, ['network', 'create', 'whole']);
  expect(ok.code, ok.stderr).toBe(0);
  expect([e0.networks.size, e1.networks.size]).toEqual([1, 1]);
  const subnets = [...e0.networks.values(), ...e1.networks.values()].map(
    (n) => (n['IPAM'] as { Config: { Subnet: string }[] }).Config[0]?.Subnet,
  );
  expect(new Set(subnets).size).toBe(2);
});
