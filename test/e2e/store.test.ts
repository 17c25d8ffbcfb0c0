// The cluster state store on real engines: a cluster network and its subnets survive a restart of Shoal on
// the same store file (a part lost meanwhile comes back on its subnet), and a damaged file stops the start.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterIdentity } from '../../src/discovery/identity.js';
import { StoreCorruptError } from '../../src/store/errors.js';
import { tempStore } from '../support/temp-store.js';
import { cleanEngines, docker, engineHost, lab, startShoal, until, type Shoal } from './support.js';

const store = tempStore();
let shoal: Shoal | undefined;

beforeAll(async () => {
  await cleanEngines();
});
afterAll(async () => {
  if (shoal) {
    await docker(shoal.host, ['rm', '-f', 'store-c']);
    await docker(shoal.host, ['network', 'rm', 'e2e-kept']);
    await shoal.stop();
  }
  await Promise.all(lab().nodes.map((_n, i) => docker(engineHost(i), ['network', 'rm', 'e2e-kept'])));
  await cleanEngines();
  store.remove();
});

const subnets = (host: string) =>
  Promise.all(
    lab().nodes.map(
      async (_n, i) =>
        (
          await docker(engineHost(i), [
            'network',
            'inspect',
            '--format',
            '{{range .IPAM.Config}}{{.Subnet}}{{end}}',
            'e2e-kept',
          ])
        ).stdout.trim() || `missing on ${host}`,
    ),
  );

it('keeps a cluster network and its subnets across a restart on the same store file', async () => {
  shoal = await startShoal(store.args);
  const created = await docker(shoal.host, ['network', 'create', '--label', 'kept=yes', 'e2e-kept']);
  expect(created.code, created.stderr).toBe(0);
  const id = created.stdout.trim();
  const before = await subnets(shoal.host);
  expect(before.every((s) => /^198\.19\.\d+\.0\/24$/.test(s))).toBe(true);
  const onDisk = JSON.parse(readFileSync(store.path, 'utf8')) as {
    body: { records: Record<string, { value: { parts: Record<string, { subnet: string }> } }> };
  };
  // The cluster's records live under its identity (the engines' list, as startShoal gives it).
  const cluster = clusterIdentity(
    lab()
      .nodes.map((n) => n.addr)
      .join(','),
  );
  const parts = onDisk.body.records[`clusters/${cluster}/networks/${id}`]?.value.parts ?? {};
  expect(
    Object.values(parts)
      .map((p) => p.subnet)
      .sort(),
  ).toEqual([...before].sort());
  await shoal.stop();
  shoal = undefined;
  // While Shoal is down, node-2 loses its part: the store still has its subnet.
  expect((await docker(engineHost(2), ['network', 'rm', 'e2e-kept'])).code).toBe(0);
  shoal = await startShoal(store.args);
  const host = shoal.host;
  await until(
    'node-2 has its part again',
    async () => !(await subnets(host))[2]?.startsWith('missing'),
    20_000,
  );
  expect(await subnets(host)).toEqual(before);
  const inspect = JSON.parse((await docker(host, ['network', 'inspect', 'e2e-kept'])).stdout) as {
    Id: string;
    Labels: Record<string, string>;
    IPAM: { Config: { Subnet: string }[] };
  }[];
  expect(inspect[0]?.Id).toBe(id);
  expect(inspect[0]?.Labels['kept']).toBe('yes');
  expect(inspect[0]?.IPAM.Config.map((c) => c.Subnet).sort()).toEqual([...before].sort());
  const run = await docker(host, [
    'run',
    '-d',
    '--name',
    'store-c',
    '--network',
    'e2e-kept',
    '-e',
    'constraint:node==node-2',
    'busybox:local',
    'sleep',
    '300',
  ]);
  expect(run.code, run.stderr).toBe(0);
  const ip = (
    await docker(host, [
      'inspect',
      '--format',
      '{{(index .NetworkSettings.Networks "e2e-kept").IPAddress}}',
      'store-c',
    ])
  ).stdout.trim();
  expect(ip.split('.').slice(0, 3).join('.')).toBe(before[2]?.split('.').slice(0, 3).join('.'));
  await docker(host, ['rm', '-f', 'store-c']);
  expect((await docker(host, ['network', 'rm', 'e2e-kept'])).code).toBe(0);
  await shoal.stop();
  shoal = undefined;
});

it('refuses to start on a truncated store file, says which and why, and leaves it byte for byte', async () => {
  const good = readFileSync(store.path);
  const cut = good.subarray(0, Math.floor(good.length / 2));
  writeFileSync(store.path, cut);
  const err: unknown = await startShoal(store.args).then(
    async (s) => {
      await s.stop();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreCorruptError);
  expect((err as Error).message).toContain(store.path);
  expect((err as Error).message).toMatch(
    /not valid JSON, truncated or damaged.*left untouched.*move it away/,
  );
  expect(readFileSync(store.path).equals(cut)).toBe(true);
});
