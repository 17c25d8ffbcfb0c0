// The real Docker CLI 28.2.2 through Shoal on 3 real engines, each command compared with the same
// command against one engine directly.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerTty, engineHost, normalise, until, useShoal } from './support.js';

let S = '';
const D = () => engineHost(0);

useShoal((s) => (S = s.host));

/**
 * Runs the same command through Shoal and against node-0 directly. node-0 is also in the cluster, so a
 * container made directly gets the twin name `<name>-d` (names are unique cluster-wide); NAME stands for it.
 */
async function both(args: string[], input?: string) {
  const twin = (a: string[]) => a.map((x) => x.replace(/\{(e2e-[\w-]+)\}/, '$1-d'));
  const mine = (a: string[]) => a.map((x) => x.replace(/\{(e2e-[\w-]+)\}/, '$1'));
  const [viaShoal, direct] = await Promise.all([
    docker(S, mine(args), { input }),
    docker(D(), twin(args), { input }),
  ]);
  return { viaShoal, direct };
}

describe('system', () => {
  it('docker version negotiates the pool API version', async () => {
    const { viaShoal, direct } = await both([
      'version',
      '--format',
      '{{.Server.APIVersion}} {{.Client.APIVersion}}',
    ]);
    expect(viaShoal.code).toBe(0);
    expect(viaShoal.stdout).toBe(direct.stdout);
  });

  it('docker info shows 3 nodes, each Healthy', async () => {
    const r = await docker(S, ['info']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(' Nodes: 3');
    expect(r.stdout.match(/└ Status: Healthy/g)).toHaveLength(3);
    for (const n of ['node-0', 'node-1', 'node-2'])
      expect(r.stdout).toMatch(new RegExp(`  ${n}: 198\\.18\\.1\\.\\d+:2375`));
  });
});

describe('running containers', () => {
  it('run -d, then ps and inspect show where it runs', async () => {
    const r = await docker(S, [
      'run',
      '-d',
      '--name',
      'e2e-d',
      '-l',
      'suite=e2e',
      'busybox:local',
      'sleep',
      '300',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    const ps = await docker(S, ['ps', '--format', '{{.Names}} {{.Status}}']);
    expect(ps.stdout).toMatch(/^node-\d\/e2e-d Up /m);
    const node = (
      await docker(S, ['inspect', '--format', '{{.Node.Name}} {{.Node.IP}} {{.Node.Addr}}', 'e2e-d'])
    ).stdout.trim();
    expect(node).toMatch(/^node-\d 198\.18\.1\.1\d 198\.18\.1\.1\d:2375$/);
  });

  it('run --rm prints what the engine prints and removes the container', async () => {
    const { viaShoal, direct } = await both([
      'run',
      '--rm',
      'busybox:local',
      'sh',
      '-c',
      'echo out; echo err >&2; exit 3',
    ]);
    expect([viaShoal.code, viaShoal.stdout, viaShoal.stderr]).toEqual([
      direct.code,
      direct.stdout,
      direct.stderr,
    ]);
    expect(viaShoal.code).toBe(3);
    const left = await docker(S, ['ps', '-a', '--format', '{{.Image}} {{.Command}}']);
    expect(left.stdout).not.toContain('exit 3');
  });

  it('run -d with a 64-hex image ID that no engine has gives the engine answer, and pulls nothing', async () => {
    const id = '4e8aa3f0f1b0b9c0d5e3a6e1f2c3d4e5f60718293a4b5c6d7e8f90a1b2c3debd';
    const { viaShoal, direct } = await both(['run', '-d', id]);
    expect([viaShoal.code, viaShoal.stdout, viaShoal.stderr]).toEqual([
      direct.code,
      direct.stdout,
      direct.stderr,
    ]);
    expect(viaShoal.code).toBe(125);
    expect(viaShoal.stdout).toBe('');
  });

  it('echo x | run -i cat passes stdin through the hijacked stream', async () => {
    const { viaShoal, direct } = await both(['run', '--rm', '-i', 'busybox:local', 'cat'], 'x\ny\n');
    expect(viaShoal.stdout).toBe('x\ny\n');
    expect(viaShoal.stdout).toBe(direct.stdout);
  });

  it('run -t under a pseudo-terminal gives raw tty output', async () => {
    const args = [
      'run',
      '--rm',
      '-t',
      'busybox:local',
      'sh',
      '-c',
      'echo tty-hi; test -t 1 && echo is-a-tty',
    ];
    const [viaShoal, direct] = await Promise.all([dockerTty(S, args), dockerTty(D(), args)]);
    expect(viaShoal.stdout).toContain('tty-hi');
    expect(viaShoal.stdout).toContain('is-a-tty');
    expect(viaShoal.stdout).toBe(direct.stdout);
  });
});

describe('exec, logs, attach', () => {
  beforeAll(async () => {
    await docker(S, [
      'run',
      '-d',
      '--name',
      'e2e-x',
      'busybox:local',
      'sh',
      '-c',
      'echo boot1; echo boot2; sleep 300',
    ]);
    await docker(D(), [
      'run',
      '-d',
      '--name',
      'e2e-x-d',
      'busybox:local',
      'sh',
      '-c',
      'echo boot1; echo boot2; sleep 300',
    ]);
  });

  it('exec, exec with an exit code, exec -i and exec -d behave as on the engine', async () => {
    const ls = await both(['exec', '{e2e-x}', 'ls', '/bin/busybox']);
    expect(ls.viaShoal).toEqual(ls.direct);
    const rc = await both(['exec', '{e2e-x}', 'sh', '-c', 'exit 7']);
    expect(rc.viaShoal.code).toBe(7);
    expect(rc.direct.code).toBe(7);
    const i = await both(['exec', '-i', '{e2e-x}', 'sh', '-c', 'cat; echo done'], 'in1\nin2\n');
    expect(i.viaShoal.stdout).toBe('in1\nin2\ndone\n');
    expect(i.viaShoal).toEqual(i.direct);
    const d = await both(['exec', '-d', '{e2e-x}', 'sh', '-c', 'echo detached > /tmp/d']);
    expect(d.viaShoal).toEqual(d.direct);
    await until(
      'detached exec wrote',
      async () => (await docker(S, ['exec', 'e2e-x', 'cat', '/tmp/d'])).stdout === 'detached\n',
    );
  });

  it('logs and logs -f (the stream ends with the container)', async () => {
    const logs = await both(['logs', '{e2e-x}']);
    expect(logs.viaShoal.stdout).toBe('boot1\nboot2\n');
    expect(logs.viaShoal).toEqual(logs.direct);
    await docker(S, [
      'run',
      '-d',
      '--name',
      'e2e-f',
      'busybox:local',
      'sh',
      '-c',
      'for i in 1 2 3; do echo f$i; sleep 0.3; done',
    ]);
    const f = await docker(S, ['logs', '-f', 'e2e-f'], { timeoutMs: 15_000 });
    expect(f.stdout).toBe('f1\nf2\nf3\n');
    const tail = await docker(S, ['logs', '--tail', '1', '--timestamps', 'e2e-x']);
    expect(tail.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z boot2\n$/);
  });

  it('attach follows a running container to its end and returns its exit code', async () => {
    await docker(S, [
      'run',
      '-d',
      '--name',
      'e2e-a',
      'busybox:local',
      'sh',
      '-c',
      'sleep 1; echo attached; exit 4',
    ]);
    const r = await docker(S, ['attach', 'e2e-a'], { timeoutMs: 15_000 });
    expect(r.stdout).toBe('attached\n');
    expect(r.code).toBe(4);
  });
});

describe('ps', () => {
  beforeAll(async () => {
    for (let i = 0; i < 3; i++)
      await docker(S, [
        'run',
        '-d',
        '--name',
        `e2e-ps${i}`,
        '-l',
        `idx=${i}`,
        'busybox:local',
        'sleep',
        '300',
      ]);
    await docker(S, ['run', '--name', 'e2e-exited', 'busybox:local', 'true']);
  });

  it('-a, -q, -n, -l and filters on node, label and status', async () => {
    const all = (await docker(S, ['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean);
    expect(all).toContain(all.find((n) => n.endsWith('/e2e-exited')));
    const running = (await docker(S, ['ps', '--format', '{{.Names}}'])).stdout;
    expect(running).not.toContain('e2e-exited');
    const q = (await docker(S, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    expect(q.length).toBe(all.length);
    expect(q.every((id) => /^[0-9a-f]{12}$/.test(id))).toBe(true);
    expect((await docker(S, ['ps', '-l', '--format', '{{.Names}}'])).stdout).toMatch(/\/e2e-exited\n$/);
    expect((await docker(S, ['ps', '-n', '2', '-q'])).stdout.split('\n').filter(Boolean)).toHaveLength(2);
    const node1 = (await docker(S, ['ps', '-a', '--filter', 'node=node-1', '--format', '{{.Names}}'])).stdout
      .split('\n')
      .filter(Boolean);
    expect(node1.length).toBeGreaterThan(0);
    expect(node1.every((n) => n.startsWith('node-1/'))).toBe(true);
    expect((await docker(S, ['ps', '--filter', 'label=idx=1', '--format', '{{.Names}}'])).stdout).toMatch(
      /^node-\d\/e2e-ps1\n$/,
    );
    expect((await docker(S, ['ps', '--filter', 'status=exited', '--format', '{{.Names}}'])).stdout).toMatch(
      /\/e2e-exited\n/,
    );
  });

  it('ps -s asks the engines for sizes', async () => {
    const r = await docker(S, ['ps', '-s', '--filter', 'name=e2e-ps1', '--format', '{{.Size}}']);
    expect(r.stdout).toMatch(/^\d+(\.\d+)?k?B \(virtual \d+(\.\d+)?MB\)\n$/);
  });

  it('formats rows as the engine does, apart from the node prefix and IDs', async () => {
    await docker(D(), ['run', '-d', '--name', 'e2e-cmp', '-l', 'cmp=1', 'busybox:local', 'sleep', '300']);
    await until(
      'e2e-cmp seen',
      async () => (await docker(S, ['ps', '-q', '--filter', 'label=cmp=1'])).stdout.trim() !== '',
    );
    const fmt = [
      'ps',
      '--filter',
      'label=cmp=1',
      '--format',
      '{{.Image}}|{{.Command}}|{{.Status}}|{{.Ports}}|{{.Names}}|{{.Labels}}',
    ];
    const { viaShoal, direct } = await both(fmt);
    expect(normalise(viaShoal.stdout)).toBe(normalise(direct.stdout));
  });

  it('shows a container started directly on an engine within a second', async () => {
    const t0 = Date.now();
    await docker(engineHost(2), ['run', '-d', '--name', 'e2e-behind', 'busybox:local', 'sleep', '300']);
    await until(
      'seen through Shoal',
      async () => (await docker(S, ['ps', '--format', '{{.Names}}'])).stdout.includes('node-2/e2e-behind'),
      5000,
    );
    expect(Date.now() - t0).toBeLessThan(2500);
  });
});

describe('lifecycle', () => {
  it('stop, start, restart, pause, unpause, kill, rename, update, wait, rm -f', async () => {
    await docker(S, ['run', '-d', '--name', 'e2e-l', 'busybox:local', 'sleep', '300']);
    const status = async () =>
      (await docker(S, ['inspect', '--format', '{{.State.Status}}', 'e2e-l'])).stdout.trim();
    expect((await docker(S, ['stop', '-t', '0', 'e2e-l'])).stdout).toBe('e2e-l\n');
    expect(await status()).toBe('exited');
    await docker(S, ['start', 'e2e-l']);
    expect(await status()).toBe('running');
    await docker(S, ['restart', '-t', '0', 'e2e-l']);
    expect(await status()).toBe('running');
    await docker(S, ['pause', 'e2e-l']);
    expect(await status()).toBe('paused');
    expect((await docker(S, ['ps', '--filter', 'status=paused', '--format', '{{.Status}}'])).stdout).toMatch(
      /\(Paused\)/,
    );
    await docker(S, ['unpause', 'e2e-l']);
    expect((await docker(S, ['rename', 'e2e-l', 'e2e-l2'])).code).toBe(0);
    expect((await docker(S, ['inspect', '--format', '{{.Name}}', 'e2e-l2'])).stdout).toBe('/e2e-l2\n');
    await docker(S, ['update', '--memory', '64m', '--memory-swap', '128m', 'e2e-l2']);
    expect((await docker(S, ['inspect', '--format', '{{.HostConfig.Memory}}', 'e2e-l2'])).stdout).toBe(
      `${64 * 1024 * 1024}\n`,
    );
    const waiting = docker(S, ['wait', 'e2e-l2']);
    await new Promise((r) => setTimeout(r, 300));
    await docker(S, ['kill', 'e2e-l2']);
    expect((await waiting).stdout).toBe('137\n');
    expect((await docker(S, ['rm', '-f', 'e2e-l2'])).stdout).toBe('e2e-l2\n');
    const gone = await docker(S, ['inspect', 'e2e-l2']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('No such object: e2e-l2');
  });

  it('refuses a name already used on another engine, with the engine text', async () => {
    await docker(engineHost(1), ['create', '--name', 'e2e-taken', 'busybox:local']);
    await until('seen', async () =>
      (await docker(S, ['ps', '-a', '--format', '{{.Names}}'])).stdout.includes('e2e-taken'),
    );
    const r = await docker(S, ['create', '--name', 'e2e-taken', 'busybox:local']);
    const direct = await docker(engineHost(1), ['create', '--name', 'e2e-taken', 'busybox:local']);
    expect(r.code).toBe(direct.code);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /Conflict\. The container name "\/e2e-taken" is already in use by container "[0-9a-f]{64}"/,
    );
  });
});

describe('files, processes and ports', () => {
  beforeAll(async () => {
    await docker(S, [
      'run',
      '-d',
      '--name',
      'e2e-web',
      '-p',
      '18080:80',
      'busybox:local',
      'httpd',
      '-f',
      '-p',
      '80',
      '-h',
      '/var/www',
    ]);
    await docker(D(), [
      'run',
      '-d',
      '--name',
      'e2e-web-d',
      '-p',
      '18081:80',
      'busybox:local',
      'httpd',
      '-f',
      '-p',
      '80',
      '-h',
      '/var/www',
    ]);
  });

  it('cp both ways', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-cp-'));
    writeFileSync(join(dir, 'in.txt'), 'copied in\n');
    expect((await docker(S, ['cp', join(dir, 'in.txt'), 'e2e-web:/tmp/in.txt'])).code).toBe(0);
    expect((await docker(S, ['exec', 'e2e-web', 'cat', '/tmp/in.txt'])).stdout).toBe('copied in\n');
    expect((await docker(S, ['cp', 'e2e-web:/var/www/index.html', join(dir, 'out.html')])).code).toBe(0);
    expect(readFileSync(join(dir, 'out.html'), 'utf8')).toBe('hello from shoal lab\n');
  });

  it('top, stats --no-stream, port, diff and export', async () => {
    const top = await both(['top', '{e2e-web}']);
    expect(top.viaShoal.stdout).toMatch(/httpd -f -p 80/);
    expect(top.viaShoal.stdout.split('\n')[0]).toBe(top.direct.stdout.split('\n')[0]);
    const stats = await docker(S, ['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'e2e-web']);
    expect(stats.stdout).toBe('e2e-web 1\n');
    const port = await both(['port', '{e2e-web}']);
    const node = (await docker(S, ['inspect', '--format', '{{.Node.IP}}', 'e2e-web'])).stdout.trim();
    expect(port.viaShoal.stdout).toBe(`80/tcp -> ${node}:18080\n`);
    expect(port.direct.stdout).toContain('80/tcp -> 0.0.0.0:18081');
    await docker(S, ['exec', 'e2e-web', 'touch', '/tmp/changed']);
    await docker(D(), ['exec', 'e2e-web-d', 'touch', '/tmp/changed']);
    const diff = await both(['diff', '{e2e-web}']);
    expect(diff.viaShoal.stdout).toContain('A /tmp/changed');
    // The cp test above added /tmp/in.txt to the container behind Shoal only.
    const lines = (t: string) =>
      t
        .split('\n')
        .filter((l) => l && !l.endsWith('/tmp/in.txt'))
        .sort();
    expect(lines(diff.viaShoal.stdout)).toEqual(lines(diff.direct.stdout));
    const exp = await docker(S, ['export', 'e2e-web']);
    expect(exp.raw.length).toBeGreaterThan(1_000_000);
    expect(exp.raw.subarray(257, 262).toString()).toBe('ustar');
  });

  it('streams stats until the client leaves', async () => {
    const res = await fetch(`${S.replace('tcp://', 'http://')}/v1.41/containers/e2e-web/stats?stream=1`);
    const reader = res.body?.getReader();
    let text = '';
    while ((text.match(/\n/g) ?? []).length < 2) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value as Uint8Array);
    }
    await reader?.cancel();
    const docs = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; read: string });
    expect(docs.length).toBeGreaterThanOrEqual(2);
    expect(docs[0]?.name).toBe('/e2e-web');
  });

  it('serves the published port at the engine address that ps shows', async () => {
    const ports = (
      await docker(S, ['ps', '--filter', 'name=^e2e-web$', '--format', '{{.Ports}}'])
    ).stdout.trim();
    const m = /^(198\.18\.1\.\d+):18080->80\/tcp$/.exec(ports);
    expect(m).not.toBeNull();
    const res = await fetch(`http://${m?.[1] ?? ''}:18080/index.html`);
    expect(await res.text()).toBe('hello from shoal lab\n');
  });
});

describe('events', () => {
  it('events --since --until --filter gives the same events as the engine, tagged with the node', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await docker(S, ['run', '--name', 'e2e-evs', 'busybox:local', 'true']);
    await docker(D(), ['run', '--name', 'e2e-evd', 'busybox:local', 'true']);
    await new Promise((r) => setTimeout(r, 1200));
    const until = String(Math.floor(Date.now() / 1000));
    const fmt = '{{.Type}} {{.Action}} {{index .Actor.Attributes "image"}}';
    const events = (host: string, name: string) =>
      docker(host, [
        'events',
        '--since',
        String(since),
        '--until',
        until,
        '--filter',
        `container=${name}`,
        '--format',
        fmt,
      ]);
    const [viaShoal, direct] = await Promise.all([events(S, 'e2e-evs'), events(D(), 'e2e-evd')]);
    expect(viaShoal.stdout).toBe(direct.stdout);
    expect(viaShoal.stdout).toContain('container start busybox:local');
    const node = await docker(S, [
      'events',
      '--since',
      String(since),
      '--until',
      until,
      '--filter',
      'container=e2e-evs',
      '--filter',
      'event=die',
      '--format',
      '{{index .Actor.Attributes "node.name"}}',
    ]);
    expect(node.stdout).toMatch(/^node-\d\n$/);
  });
});
