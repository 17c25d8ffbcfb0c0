// Published ports with the real CLI on 3 real engines: `-p 18080:80` served by Shoal on its loopback and
// balanced over 3 busybox httpd replicas (each answering its hostname), still answering while a replica
// is killed, shown by `service ls` and `inspect`, closed by `service rm`; `--publish mode=host` bound on
// each engine, one task per engine, shown by `service ps` (and not by `service ls`, as with swarm mode).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEngines, docker, engineHost, lab, startShoal, until, type Shoal } from './support.js';

let shoal: Shoal | undefined;
let S = '';

beforeAll(async () => {
  await cleanEngines();
  shoal = await startShoal();
  S = shoal.host;
});

afterAll(async () => {
  await shoal?.stop();
  await cleanEngines();
});

const HTTPD = ['busybox:local', 'sh', '-c', 'hostname > /tmp/index.html; exec httpd -f -p 80 -h /tmp'];

/** One HTTP GET on a new connection: the body, or the error code. */
function get(host: string, port: number, timeoutMs = 3000): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/index.html', agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ ok: res.statusCode === 200, text: text.trim() }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, text: err.code ?? err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, text: err.code ?? err.message }));
    req.end();
  });
}

async function distinct(port: number, n: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const r = await get('127.0.0.1', port);
    if (r.ok) seen.add(r.text);
  }
  return seen;
}

describe('ingress', () => {
  it('serves -p 18080:80 on the manager, over every replica, through a replica killed, until service rm', async () => {
    const made = await docker(
      S,
      ['service', 'create', '--name', 'web', '-p', '18080:80', '--replicas', '3', ...HTTPD],
      {
        timeoutMs: 60_000,
      },
    );
    expect(made.code, made.stderr).toBe(0);
    const ls = await docker(S, ['service', 'ls', '--format', '{{.Name}} {{.Replicas}} {{.Ports}}']);
    expect(ls.stdout.trim()).toBe('web 3/3 *:18080->80/tcp');
    const ports = await docker(S, ['service', 'inspect', 'web', '--format', '{{json .Endpoint.Ports}}']);
    expect(JSON.parse(ports.stdout)).toEqual([
      { Protocol: 'tcp', TargetPort: 80, PublishedPort: 18080, PublishMode: 'ingress' },
    ]);

    const replicas = await until('3 replicas answering', async () => {
      const seen = await distinct(18080, 30);
      return seen.size === 3 ? seen : undefined;
    });
    process.stdout.write(`replicas answering through 127.0.0.1:18080: ${[...replicas].join(', ')}\n`);

    // Kill one replica's container on its engine while requests keep coming.
    const onEngine = async (i: number) =>
      (
        await docker(engineHost(i), ['ps', '-q', '--filter', 'label=com.docker.swarm.service.name=web'])
      ).stdout
        .trim()
        .split('\n')
        .filter(Boolean);
    const node = 0;
    const ids = await onEngine(node);
    expect(ids.length).toBeGreaterThan(0);
    const results: { ok: boolean; text: string }[] = [];
    let stop = false;
    const traffic = (async () => {
      while (!stop) results.push(await get('127.0.0.1', 18080));
    })();
    await new Promise((r) => setTimeout(r, 300));
    const killed = await docker(engineHost(node), ['kill', ids[0] ?? '']);
    expect(killed.code, killed.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 3000));
    stop = true;
    await traffic;
    const failed = results.filter((r) => !r.ok);
    process.stdout.write(
      `during the kill: ${results.length} requests, ${failed.length} failed (${failed.map((f) => f.text).join(', ')})\n`,
    );
    // A request in flight on the killed replica may fail with it; nothing after.
    expect(failed.length).toBeLessThanOrEqual(1);
    await until(
      'a replacement answering',
      async () => {
        const seen = await distinct(18080, 30);
        return seen.size === 3 && [...seen].some((h) => !replicas.has(h));
      },
      30_000,
    );

    const rm = await docker(S, ['service', 'rm', 'web']);
    expect(rm.code, rm.stderr).toBe(0);
    const t0 = Date.now();
    await until('the port closed', async () => (await get('127.0.0.1', 18080)).text === 'ECONNREFUSED', 5000);
    process.stdout.write(`port closed ${Date.now() - t0} ms after service rm\n`);
  });

  it('--publish mode=host binds the port on each engine, one task per engine, shown by service ps', async () => {
    const made = await docker(
      S,
      [
        'service',
        'create',
        '--name',
        'hm',
        '--publish',
        'mode=host,published=18081,target=80',
        '--replicas',
        '3',
        ...HTTPD,
      ],
      { timeoutMs: 60_000 },
    );
    expect(made.code, made.stderr).toBe(0);
    const ps = await docker(S, ['service', 'ps', 'hm', '--format', '{{.Node}} {{.Ports}}']);
    const rows = ps.stdout.trim().split('\n').sort();
    expect(rows).toEqual(lab().nodes.map((n) => `${n.name} *:18081->80/tcp`));
    for (const n of lab().nodes) expect((await get(n.ip, 18081)).ok).toBe(true);
    // The CLI lists only ingress ports in `service ls` (as with swarm mode); host ones show in `service ps`.
    const ls = await docker(S, ['service', 'ls', '--format', '{{.Name}}|{{.Ports}}']);
    expect(ls.stdout.trim()).toBe('hm|');
    expect((await docker(S, ['service', 'rm', 'hm'])).code).toBe(0);
  });
});
