// Proxy overhead on real engines: direct vs Shoal vs a bare undici proxy vs http-proxy (keep-alive agent),
// `docker ps` latency, and whether each proxy can carry Docker's hijacked exec stream.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { Client } from 'undici';
import { benchLab } from './lab.js';
import type { LabLayout } from '../src/lab/layout.js';
import { startChild, startManager, type Child } from './children.js';
import { compareWithClassic } from './classic-proxy.js';
import { load, type LoadResult, type Target } from './load.js';
import { benchStoreArgs } from './store.js';

const CONTAINERS_PER_ENGINE = 30;

async function api<T>(
  socket: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const c = new Client('http://localhost', { socketPath: socket });
  try {
    const res = await c.request({
      method,
      path,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new Error(`${path}: ${res.statusCode} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  } finally {
    await c.close();
  }
}

async function populate(lab: LabLayout): Promise<{ container: string; exec: string }> {
  let first = { container: '', exec: '' };
  await Promise.all(
    lab.nodes.map(async (n, i) => {
      for (let k = 0; k < CONTAINERS_PER_ENGINE; k++) {
        const { Id } = await api<{ Id: string }>(
          n.socket,
          'POST',
          `/v1.41/containers/create?name=bench-${i}-${k}`,
          {
            Image: 'busybox:local',
            Cmd: ['sleep', '3600'],
            HostConfig: { Init: true },
          },
        );
        if (k < 10) await api(n.socket, 'POST', `/v1.41/containers/${Id}/start`);
        if (i === 0 && k === 0) {
          const exec = await api<{ Id: string }>(n.socket, 'POST', `/v1.41/containers/${Id}/exec`, {
            Cmd: ['true'],
          });
          first = { container: Id, exec: exec.Id };
        }
      }
    }),
  );
  return first;
}

/** Can this proxy carry `POST /exec/{id}/start` with `Upgrade: tcp`? Returns what the client got back. */
function tryHijack(port: number, execId: string): Promise<string> {
  return new Promise((resolve) => {
    const body = '{"Detach":false,"Tty":false}';
    const s = connect({ host: '127.0.0.1', port });
    let got = '';
    s.setTimeout(3000, () => s.destroy());
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) s.destroy();
    });
    s.on('close', () =>
      resolve(got.split('\r\n')[0] || `no response (${got.length} bytes, connection closed)`),
    );
    s.on('error', () => undefined);
    s.write(
      `POST /v1.41/exec/${execId}/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  });
}

function cliWallMs(host: string, args: string[], runs: number): Promise<number> {
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      execFile('/usr/local/bin/docker', args, { env: { ...process.env, DOCKER_HOST: host } }, (err) => {
        if (err) reject(new Error(err.message));
        else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      });
    });
  return (async () => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await once());
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? NaN;
  })();
}

const fmt = (us: number) => (us / 1000).toFixed(3);

function row(name: string, r: LoadResult, base?: LoadResult): string {
  const added = base
    ? ` | +${fmt(r.p50 - base.p50)} ms p50, +${fmt(r.p99 - base.p99)} ms p99 | ×${(r.p50 / base.p50).toFixed(2)} p50`
    : '';
  return `  ${name.padEnd(22)} p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms  ${r.perSecond.toFixed(0).padStart(6)} req/s (n=${r.count})${added}`;
}

export async function runPassthroughBench(): Promise<void> {
  const say = (l: string) => process.stdout.write(`${l}\n`);
  say('== Passthrough: proxied vs direct, same engine (Docker Engine 20.10 in a lab namespace) ==');
  const lab = await benchLab();
  const children: Child[] = [];
  try {
    const { container, exec } = await populate(lab);
    const node0 = lab.nodes[0];
    if (!node0) throw new Error('no node');
    const addrs = lab.nodes.map((n) => n.addr).join(',');
    const shoalChild = await startManager([...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', addrs], 3);
    children.push(shoalChild);
    const undiciProxy = await startChild('dist/bench/proxies/undici-proxy.js', ['0', node0.addr], (o) =>
      /^\d+\n/.test(o) ? Number(o) : undefined,
    );
    const httpProxy = await startChild('dist/bench/proxies/http-proxy.js', ['0', node0.addr], (o) =>
      /^\d+\n/.test(o) ? Number(o) : undefined,
    );
    children.push(undiciProxy, httpProxy);
    const targets: [string, Target][] = [
      ['direct (engine TCP)', { origin: `http://${node0.addr}` }],
      ['Shoal', { origin: `http://127.0.0.1:${shoalChild.port}` }],
      ['bare undici proxy', { origin: `http://127.0.0.1:${undiciProxy.port}` }],
      ['http-proxy + keepalive', { origin: `http://127.0.0.1:${httpProxy.port}` }],
    ];
    const probes: [string, string][] = [
      ['GET /exec/{id}/json (pure passthrough)', `/v1.41/exec/${exec}/json`],
      ['GET /containers/{id}/json (inspect + Node)', `/v1.41/containers/${container}/json`],
    ];
    for (const [probeName, path] of probes) {
      for (const concurrency of [1, 16]) {
        say(`\n${probeName}, ${concurrency} connection${concurrency > 1 ? 's' : ''}:`);
        let base: LoadResult | undefined;
        for (const [name, target] of targets) {
          if (name !== 'direct (engine TCP)' && name !== 'Shoal' && path.includes('/containers/')) continue;
          await load(target, path, { concurrency, requests: 300, maxMs: 3000 });
          const r = await load(target, path, {
            concurrency,
            requests: concurrency === 1 ? 3000 : 8000,
            maxMs: 8000,
          });
          say(row(name, r, base));
          base ??= r;
        }
      }
    }
    say(
      `\nGET /containers/json (docker ps): Shoal lists ${lab.nodes.length * 10} running of ${lab.nodes.length * CONTAINERS_PER_ENGINE} containers from its cache; the engine lists its own ${10}:`,
    );
    for (const all of ['', '?all=1']) {
      const direct = await load({ origin: `http://${node0.addr}` }, `/v1.41/containers/json${all}`, {
        concurrency: 1,
        requests: 1000,
        maxMs: 6000,
      });
      const viaShoal = await load(
        { origin: `http://127.0.0.1:${shoalChild.port}` },
        `/v1.41/containers/json${all}`,
        { concurrency: 1, requests: 1000, maxMs: 6000 },
      );
      say(row(`direct ${all || '(running)'}`, direct));
      say(row(`Shoal ${all || '(running)'}`, viaShoal, direct));
    }
    const cliDirect = await cliWallMs(`tcp://${node0.addr}`, ['ps', '-a'], 15);
    const cliShoal = await cliWallMs(`tcp://127.0.0.1:${shoalChild.port}`, ['ps', '-a'], 15);
    say(
      `  docker ps -a (CLI 28.2.2 wall time, median of 15): direct ${cliDirect.toFixed(1)} ms, Shoal ${cliShoal.toFixed(1)} ms (${lab.nodes.length}× the containers)`,
    );
    say(`\nHijack (POST /exec/{id}/start, Upgrade: tcp):`);
    for (const [name, port] of [
      ['Shoal', shoalChild.port],
      ['http-proxy', httpProxy.port],
    ] as const) {
      const e = await api<{ Id: string }>(node0.socket, 'POST', `/v1.41/containers/${container}/exec`, {
        Cmd: ['true'],
      });
      say(`  ${name.padEnd(12)} → ${await tryHijack(port, e.Id)}`);
    }
    say(`\nShoal RSS after the run: ${(shoalChild.rssKiB() / 1024).toFixed(1)} MiB`);
    // Alone on the machine: the processes above are stopped first.
    await Promise.all(children.splice(0).map((c) => c.stop()));
    await compareWithClassic(lab, lab.nodes.length * CONTAINERS_PER_ENGINE, container);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    // Leave the lab clean for the next section.
    await Promise.all(
      lab.nodes.map(async (n) => {
        const list = await api<{ Id: string }[]>(n.socket, 'GET', '/v1.41/containers/json?all=1');
        for (const c of list)
          await api(n.socket, 'DELETE', `/v1.41/containers/${c.Id}?force=1`).catch(() => undefined);
      }),
    );
  }
}
