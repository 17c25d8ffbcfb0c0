// Scheduling on 3 real engines with labels (node-0 ssd/a, node-1 disk/b, node-2 ssd/c/20 slots), through
// the real Docker CLI: constraints, affinities, dependencies, ports, slots, resources, strategies.
import { beforeEach, describe, expect, it } from 'vitest';
import { cleanEngines, docker, engineHost, startShoal, useShoal } from './support.js';
import { E2E_SLOTS } from './lab-config.js';

let S = '';
let seq = 0;

useShoal((s) => (S = s.host));

/** `docker run -d` through Shoal; returns the node it landed on (or the error). */
async function run(
  args: string[],
  cmd: string[] = ['sleep', '300'],
): Promise<{ node?: string; code: number; stderr: string; name: string }> {
  const name = `s${++seq}`;
  const r = await docker(S, ['run', '-d', '--init', '--name', name, ...args, 'busybox:local', ...cmd]);
  if (r.code !== 0) return { code: r.code, stderr: r.stderr, name };
  const node = (await docker(S, ['inspect', '--format', '{{.Node.Name}}', name])).stdout.trim();
  return { node, code: 0, stderr: '', name };
}

async function nodesOf(n: number, args: string[]): Promise<Set<string | undefined>> {
  const out = new Set<string | undefined>();
  for (let i = 0; i < n; i++) out.add((await run(args)).node);
  return out;
}

describe('constraints', () => {
  it('node==, engine labels, !=, regex, and soft variants', async () => {
    expect(await nodesOf(3, ['-e', 'constraint:node==node-1'])).toEqual(new Set(['node-1']));
    expect(await nodesOf(4, ['-e', 'constraint:storage==ssd'])).toEqual(new Set(['node-0', 'node-2']));
    expect([...(await nodesOf(4, ['-e', 'constraint:zone!=a']))].sort()).toEqual(['node-1', 'node-2']);
    expect(await nodesOf(4, ['-e', 'constraint:node==/node-[02]/'])).not.toContain('node-1');
    const soft = await run(['-e', 'constraint:zone==~nowhere']);
    expect(soft.code).toBe(0);
    const preferred = await nodesOf(2, ['-e', 'constraint:zone==~b']);
    expect(preferred).toEqual(new Set(['node-1']));
  });

  it("refuses what cannot fit with classic's first line and Shoal's explanation", async () => {
    const r = await run(['-e', 'constraint:zone==nowhere']);
    expect(r.code).toBe(125);
    const lines = r.stderr.replace(/^docker: Error response from daemon: /, '').split('\n');
    expect(lines[0]).toBe('Unable to find a node that satisfies the following conditions ');
    expect(r.stderr).toContain('[zone==nowhere]');
    expect(r.stderr).toMatch(
      /constraint filter rejected 3 nodes: node-0 \(constraint zone==nowhere does not hold \(zone=a\)\)/,
    );
  });

  it('refuses a malformed expression with its text', async () => {
    const r = await run(['-e', 'constraint:1node==x']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain("error from constraint filter: Key '1node' is invalid");
  });

  it('ignores a malformed expressions label as classic did, and the CLI prints the warning', async () => {
    // As classic's own tests write it: the shell keeps the backslash, so the label is not JSON.
    const r = await docker(S, [
      'run',
      '-d',
      '--init',
      '--name',
      `s${++seq}`,
      '--label',
      'com.docker.swarm.affinities=["container\\!=c1"]',
      'busybox:local',
      'sleep',
      '300',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stderr).toContain('label com.docker.swarm.affinities was ignored');
  });

  it('writes the expressions to labels, removes them from the env, and gives a swarm ID', async () => {
    const r = await run(['-e', 'constraint:storage==ssd', '-e', 'KEEP=1']);
    const env = (await docker(S, ['inspect', '--format', '{{json .Config.Env}}', r.name])).stdout;
    expect(env).toContain('KEEP=1');
    expect(env).not.toContain('constraint:');
    const labels = JSON.parse(
      (await docker(S, ['inspect', '--format', '{{json .Config.Labels}}', r.name])).stdout,
    ) as Record<string, string>;
    expect(labels['com.docker.swarm.constraints']).toBe('["storage==ssd"]');
    expect(labels['com.docker.swarm.id']).toMatch(/^[0-9a-f]{64}$/);
    const byId = await docker(S, ['inspect', '--format', '{{.Name}}', labels['com.docker.swarm.id'] ?? '']);
    expect(byId.stdout.trim()).toBe(`/${r.name}`);
  });
});

describe('affinities and dependencies', () => {
  it('container, image and label affinities', async () => {
    const target = await run(['-e', 'constraint:node==node-2', '-l', 'app=db']);
    expect(await nodesOf(3, ['-e', `affinity:container==${target.name}`])).toEqual(new Set(['node-2']));
    expect(await nodesOf(2, ['-e', 'affinity:app==db'])).toEqual(new Set(['node-2']));
    expect(await nodesOf(3, ['-e', `affinity:container!=${target.name}`])).not.toContain('node-2');
    await docker(engineHost(1), ['tag', 'busybox:local', 'only-on-node1:1']);
    await new Promise((r) => setTimeout(r, 300));
    expect(await nodesOf(3, ['-e', 'affinity:image==only-on-node1:1'])).toEqual(new Set(['node-1']));
    expect(await nodesOf(3, ['-e', 'affinity:image==only-on-node1'])).toEqual(new Set(['node-1']));
  });

  it('--volumes-from, --link and --net container: land next to their container', async () => {
    const target = await run(['-e', 'constraint:node==node-1', '-v', '/data']);
    expect((await run(['--volumes-from', target.name])).node).toBe('node-1');
    expect((await run(['--link', `${target.name}:alias`])).node).toBe('node-1');
    expect((await run(['--net', `container:${target.name}`])).node).toBe('node-1');
    const missing = await run(['--volumes-from', 'no-such-container']);
    expect(missing.code).toBe(125);
    expect(missing.stderr).toContain('[--volumes-from=no-such-container]');
  });
});

describe('ports, slots and resources', () => {
  beforeEach(async () => {
    await cleanEngines();
    await new Promise((r) => setTimeout(r, 300));
  });

  it('bridge-mode ports: one per node, a stopped container keeps its port', async () => {
    const placed = [
      await run(['-p', '18090:80']),
      await run(['-p', '18090:80']),
      await run(['-p', '18090:80']),
    ];
    expect(new Set(placed.map((p) => p.node)).size).toBe(3);
    const fourth = await run(['-p', '18090:80']);
    expect(fourth.code).toBe(125);
    expect(fourth.stderr).toContain('[port 18090 (Bridge mode)]');
    await docker(S, ['stop', '-t', '0', placed[0]?.name ?? '']);
    expect(
      (await docker(S, ['inspect', '--format', '{{.State.Status}}', placed[0]?.name ?? ''])).stdout.trim(),
    ).toBe('exited');
    expect((await run(['-p', '18090:80'])).code).toBe(125);
    await docker(S, ['rm', placed[0]?.name ?? '']);
    expect((await run(['-p', '18090:80'])).node).toBe(placed[0]?.node);
  });

  it('host-mode ports', async () => {
    const placed = await nodesOf(3, ['--net', 'host', '--expose', '18091']);
    expect(placed.size).toBe(3);
    const fourth = await run(['--net', 'host', '--expose', '18091']);
    expect(fourth.code).toBe(125);
    expect(fourth.stderr).toContain('[port 18091/tcp (Host mode)]');
  });

  it('container slots from the engine label', async () => {
    for (let i = 0; i < E2E_SLOTS; i++) {
      const r = await docker(S, ['create', '-e', 'constraint:node==node-2', 'busybox:local', 'true']);
      expect(r.code).toBe(0);
    }
    const over = await run(['-e', 'constraint:node==node-2']);
    expect(over.code).toBe(125);
    expect(over.stderr).toContain('[available container slots]');
  });

  it('CPUs and memory run out with "no resources available to schedule container"', async () => {
    expect(await nodesOf(3, ['--cpus', '2'])).toEqual(new Set(['node-0', 'node-1', 'node-2']));
    const cpu = await run(['--cpus', '1']);
    expect(cpu.code).toBe(125);
    expect(cpu.stderr).toContain('no resources available to schedule container');
    await cleanEngines();
    await new Promise((r) => setTimeout(r, 300));
    expect((await nodesOf(3, ['-m', '20g'])).size).toBe(3);
    const mem = await run(['-m', '8g']);
    expect(mem.stderr).toContain('no resources available to schedule container');
    const info = (await docker(S, ['info'])).stdout;
    expect(info).toMatch(/└ Reserved Memory: 20 GiB \/ \d+(\.\d+)? GiB/);
  });

  it('-c means CPUs, as in classic: reserved, and the engine gets that share of its CPUs', async () => {
    const r = await run(['-c', '1']);
    const shares = (
      await docker(S, ['inspect', '--format', '{{.HostConfig.CpuShares}}', r.name])
    ).stdout.trim();
    expect(shares).toBe('512');
    expect((await docker(S, ['info'])).stdout).toMatch(/└ Reserved CPUs: 1 \/ 2/);
  });
});

describe('strategies', () => {
  it('spread and binpack place the same sequence differently', async () => {
    await cleanEngines();
    const binpack = await startShoal(['--strategy', 'binpack']);
    try {
      const nodes = new Set<string>();
      for (let i = 0; i < 4; i++) {
        const name = `bp${i}`;
        await docker(binpack.host, ['run', '-d', '--init', '--name', name, 'busybox:local', 'sleep', '300']);
        nodes.add(
          (await docker(binpack.host, ['inspect', '--format', '{{.Node.Name}}', name])).stdout.trim(),
        );
      }
      expect(nodes.size).toBe(1);
    } finally {
      await binpack.stop();
    }
    await cleanEngines();
    await new Promise((r) => setTimeout(r, 300));
    expect(await nodesOf(3, [])).toEqual(new Set(['node-0', 'node-1', 'node-2']));
  });
});

describe('concurrency', () => {
  it('20 parallel `docker run -d -p 8080:80` on 3 engines: exactly 3 succeed, 17 get the conditions message', async () => {
    await cleanEngines();
    await new Promise((r) => setTimeout(r, 300));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        docker(S, [
          'run',
          '-d',
          '--init',
          '--name',
          `par${i}`,
          '-p',
          '8080:80',
          'busybox:local',
          'sleep',
          '300',
        ]),
      ),
    );
    expect(results.filter((r) => r.code === 0)).toHaveLength(3);
    const failed = results.filter((r) => r.code !== 0);
    expect(failed).toHaveLength(17);
    for (const f of failed)
      expect(f.stderr).toContain(
        'Unable to find a node that satisfies the following conditions \n[port 8080 (Bridge mode)]',
      );
    // No engine holds two claims on the port.
    for (let i = 0; i < 3; i++) {
      const ports = (await docker(engineHost(i), ['ps', '-a', '--format', '{{.Ports}}'])).stdout
        .split('\n')
        .filter((l) => l.includes('8080'));
      expect(ports.length).toBe(1);
    }
  });
});
