// Networks and volumes through Shoal on 3 real engines.
import { describe, expect, it } from 'vitest';
import { docker, engineHost, lab, until, useShoal } from './support.js';

let S = '';
useShoal((s) => (S = s.host));

const onEngines = async (args: string[]) =>
  Promise.all(lab().nodes.map(async (_n, i) => (await docker(engineHost(i), args)).stdout.trim()));

describe('cluster networks', () => {
  it('create, ls, inspect, connect, disconnect, rm — one network with a part and a subnet on every engine', async () => {
    const created = await docker(S, ['network', 'create', '--label', 'team=a', 'e2e-net']);
    expect(created.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    const parts = await onEngines([
      'network',
      'inspect',
      '--format',
      '{{range .IPAM.Config}}{{.Subnet}}{{end}} {{index .Labels "team"}}',
      'e2e-net',
    ]);
    expect(parts.every((p) => /^198\.19\.\d+\.0\/24 a$/.test(p))).toBe(true);
    expect(new Set(parts).size).toBe(3);
    const ls = (await docker(S, ['network', 'ls', '--format', '{{.Name}} {{.Scope}}'])).stdout;
    expect(ls.match(/^e2e-net global$/gm)).toHaveLength(1);
    expect(ls).toMatch(/^node-0\/bridge local$/m);
    expect((await docker(S, ['network', 'ls', '--filter', 'label=team=a', '-q'])).stdout.trim()).toBe(
      created.stdout.trim().slice(0, 12),
    );
    await docker(S, [
      'run',
      '-d',
      '--init',
      '--name',
      'net-a',
      '--network',
      'e2e-net',
      '-e',
      'constraint:node==node-0',
      'busybox:local',
      'httpd',
      '-f',
      '-p',
      '80',
      '-h',
      '/var/www',
    ]);
    await docker(S, [
      'run',
      '-d',
      '--init',
      '--name',
      'net-b',
      '-e',
      'constraint:node==node-2',
      'busybox:local',
      'sleep',
      '300',
    ]);
    expect((await docker(S, ['network', 'connect', 'e2e-net', 'net-b'])).code).toBe(0);
    const inspect = JSON.parse((await docker(S, ['network', 'inspect', 'e2e-net'])).stdout) as {
      Id: string;
      Containers: Record<string, unknown>;
      IPAM: { Config: unknown[] };
    }[];
    expect(inspect[0]?.Id).toBe(created.stdout.trim());
    expect(Object.keys(inspect[0]?.Containers ?? {})).toHaveLength(2);
    expect(inspect[0]?.IPAM.Config).toHaveLength(3);
    const ip = (
      await docker(S, [
        'inspect',
        '--format',
        '{{(index .NetworkSettings.Networks "e2e-net").IPAddress}}',
        'net-a',
      ])
    ).stdout.trim();
    const got = await docker(S, [
      'exec',
      'net-b',
      'sh',
      '-c',
      `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} 80`,
    ]);
    expect(got.stdout).toContain('hello from shoal lab');
    const busy = await docker(S, ['network', 'rm', 'e2e-net']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('has active endpoints');
    expect((await docker(S, ['network', 'disconnect', 'e2e-net', 'net-b'])).code).toBe(0);
    await docker(S, ['rm', '-f', 'net-a', 'net-b']);
    expect((await docker(S, ['network', 'rm', 'e2e-net'])).code).toBe(0);
    expect(
      (await onEngines(['network', 'ls', '-q', '--filter', 'name=^e2e-net$'])).every((o) => o === ''),
    ).toBe(true);
  });

  it('<node>/<name> makes a network of one engine, and a container using it goes there', async () => {
    expect((await docker(S, ['network', 'create', 'node-1/solo'])).code).toBe(0);
    expect(
      (await onEngines(['network', 'ls', '-q', '--filter', 'name=^solo$'])).map((o) => o !== ''),
    ).toEqual([false, true, false]);
    expect(
      (await docker(S, ['network', 'ls', '--filter', 'name=solo', '--format', '{{.Name}}'])).stdout,
    ).toBe('node-1/solo\n');
    await docker(S, [
      'run',
      '-d',
      '--init',
      '--name',
      'solo-c',
      '--network',
      'node-1/solo',
      'busybox:local',
      'sleep',
      '300',
    ]);
    expect((await docker(S, ['inspect', '--format', '{{.Node.Name}}', 'solo-c'])).stdout.trim()).toBe(
      'node-1',
    );
    await docker(S, ['rm', '-f', 'solo-c']);
    expect((await docker(S, ['network', 'rm', 'node-1/solo'])).code).toBe(0);
  });

  it('refuses a name in use, and splits a given subnet over the engines', async () => {
    await docker(S, ['network', 'create', 'dup']);
    const again = await docker(S, ['network', 'create', 'dup']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('network with name dup already exists');
    await docker(S, ['network', 'rm', 'dup']);
    expect((await docker(S, ['network', 'create', '--subnet', '198.19.200.0/22', 'given'])).code).toBe(0);
    const parts = await onEngines([
      'network',
      'inspect',
      '--format',
      '{{range .IPAM.Config}}{{.Subnet}}{{end}}',
      'given',
    ]);
    expect(parts.sort()).toEqual(['198.19.200.0/24', '198.19.201.0/24', '198.19.202.0/24']);
    await docker(S, ['network', 'rm', 'given']);
    const tiny = await docker(S, ['network', 'create', '--subnet', '198.19.210.0/28', 'tiny']);
    expect(tiny.code).toBe(1);
    expect(tiny.stderr).toContain('too small');
    const overlay = await docker(S, ['network', 'create', '-d', 'overlay', 'ov']);
    expect(overlay.code).toBe(0);
    expect(
      (await onEngines(['network', 'inspect', '--format', '{{.Driver}}', 'ov'])).every((d) => d === 'bridge'),
    ).toBe(true);
    await docker(S, ['network', 'rm', 'ov']);
  });
});

describe('volumes', () => {
  it('create (on every engine), ls, inspect, rm; <node>/<name> on one', async () => {
    expect((await docker(S, ['volume', 'create', '--label', 'k=v', 'e2e-vol'])).stdout).toBe('e2e-vol\n');
    expect(
      (await onEngines(['volume', 'ls', '-q', '--filter', 'name=e2e-vol'])).every((v) => v === 'e2e-vol'),
    ).toBe(true);
    const ls = (await docker(S, ['volume', 'ls', '--filter', 'label=k=v', '--format', '{{.Name}}'])).stdout
      .split('\n')
      .filter(Boolean)
      .sort();
    expect(ls).toEqual(['node-0/e2e-vol', 'node-1/e2e-vol', 'node-2/e2e-vol']);
    expect(
      (await docker(S, ['volume', 'inspect', '--format', '{{.Name}} {{.Driver}}', 'e2e-vol'])).stdout,
    ).toBe('e2e-vol local\n');
    expect((await docker(S, ['volume', 'rm', 'e2e-vol'])).stdout).toBe('e2e-vol\n');
    expect((await onEngines(['volume', 'ls', '-q', '--filter', 'name=e2e-vol'])).every((v) => v === '')).toBe(
      true,
    );
    expect((await docker(S, ['volume', 'create', 'node-2/pinned'])).code).toBe(0);
    expect((await onEngines(['volume', 'ls', '-q', '--filter', 'name=pinned'])).map((v) => v !== '')).toEqual(
      [false, false, true],
    );
    expect((await docker(S, ['volume', 'rm', 'node-2/pinned'])).code).toBe(0);
    const gone = await docker(S, ['volume', 'inspect', 'nothing-here']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('no such volume');
    await until(
      'clean',
      async () => (await docker(S, ['volume', 'ls', '-q', '--filter', 'name=pinned'])).stdout === '',
    );
  });
});
