// Shoal's ingress on real engines: HTTP through a published port (one connection per request, busybox
// httpd) and TCP echo round trips and bulk transfer over one connection (busybox nc + cat), each through
// the ingress listener on Shoal's loopback vs straight to the task's engine port.
import { connect, type Socket } from 'node:net';
import { Client } from 'undici';
import type { LabLayout } from '../src/lab/layout.js';
import { startManager, type Child } from './children.js';
import { benchLab } from './lab.js';
import { load, summarise, type LoadResult } from './load.js';
import { benchStoreArgs } from './store.js';

const HTTP_PORT = 18090;
const ECHO_PORT = 18091;
const SPREAD_PORT = 18092;

async function api<T>(
  port: number,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const c = new Client(`http://127.0.0.1:${port}`);
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

function serviceSpec(name: string, published: number, replicas: number, args: string[]) {
  return {
    Name: name,
    TaskTemplate: { ContainerSpec: { Image: 'busybox:local', Args: args } },
    Mode: { Replicated: { Replicas: replicas } },
    EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: published }] },
  };
}

/** The engine address and port of each running task of a service, once there are `n`. */
async function taskPorts(shoal: number, lab: LabLayout, name: string, n: number): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.swarm.service.name=${name}`] }));
  for (let i = 0; i < 600; i++) {
    const list = await api<{ Names: string[]; Ports: { PublicPort?: number }[] }[]>(
      shoal,
      'GET',
      `/v1.41/containers/json?filters=${filters}`,
    );
    const out = list.flatMap((c) => {
      const node = lab.nodes.find((x) => c.Names[0]?.startsWith(`/${x.name}/`));
      const port = c.Ports.find((p) => p.PublicPort)?.PublicPort;
      return node && port ? [`${node.ip}:${port}`] : [];
    });
    if (out.length === n) return out;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name}: ${n} task ports never showed`);
}

async function until(what: string, fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${what}`);
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Round trips of a 64-byte message over one connection, in µs. */
async function echoRtt(host: string, port: number, count: number): Promise<LoadResult> {
  const s = await open(host, port);
  const msg = Buffer.alloc(64, 0x61);
  const times: number[] = [];
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (d: Buffer) => {
        got += d.length;
        if (got < msg.length) return;
        s.off('data', onData);
        resolve();
      };
      s.on('data', onData);
      s.write(msg);
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const r = summarise(times, Date.now() - started);
  s.destroy();
  return r;
}

/** MiB/s of `mib` MiB sent and echoed back over one connection. */
async function echoBulk(host: string, port: number, mib: number): Promise<number> {
  const s = await open(host, port);
  const total = mib * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  const t0 = process.hrtime.bigint();
  const back = new Promise<void>((resolve) => {
    let got = 0;
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= total) resolve();
    });
  });
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  }
  await back;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  s.destroy();
  return mib / secs;
}

const ms = (us: number) => (us / 1000).toFixed(3);

function row(name: string, r: LoadResult, base?: LoadResult): string {
  const vs = base
    ? ` | +${ms(r.p50 - base.p50)} ms p50, +${ms(r.p99 - base.p99)} ms p99, ${((r.perSecond / base.perSecond) * 100).toFixed(0)} % of the req/s`
    : '';
  return `  ${name.padEnd(24)} p50 ${ms(r.p50)} ms  p99 ${ms(r.p99)} ms  ${r.perSecond.toFixed(0).padStart(6)}/s (n=${r.count})${vs}`;
}

export async function runIngressBench(): Promise<void> {
  const say = (l: string) => process.stdout.write(`${l}\n`);
  say('== Ingress: a published port through Shoal vs the task engine port directly (Docker Engine 20.10) ==');
  const lab = await benchLab();
  let shoal: Child | undefined;
  try {
    const addrs = lab.nodes.map((n) => n.addr).join(',');
    shoal = await startManager([...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', addrs], lab.nodes.length);
    const port = shoal.port;
    const httpd = ['sh', '-c', 'hostname > /tmp/index.html; exec httpd -f -p 80 -h /tmp'];
    await api(port, 'POST', '/v1.41/services/create', serviceSpec('ihttp', HTTP_PORT, 1, httpd));
    await api(
      port,
      'POST',
      '/v1.41/services/create',
      serviceSpec('iecho', ECHO_PORT, 1, ['nc', '-ll', '-p', '80', '-e', 'cat']),
    );
    await api(port, 'POST', '/v1.41/services/create', serviceSpec('ispread', SPREAD_PORT, 3, httpd));
    const [http] = await taskPorts(port, lab, 'ihttp', 1);
    const [echo] = await taskPorts(port, lab, 'iecho', 1);
    await taskPorts(port, lab, 'ispread', 3);
    if (!http || !echo) throw new Error('no task port');
    const viaIngress = (p: number) => `http://127.0.0.1:${p}`;
    await until('the ingress answering', async () => {
      const r = await fetch(`${viaIngress(HTTP_PORT)}/index.html`);
      return r.ok && (await fetch(`${viaIngress(SPREAD_PORT)}/index.html`)).ok;
    });
    await until(
      'the echo task answering',
      async () => (await echoRtt('127.0.0.1', ECHO_PORT, 1)).count === 1,
    );

    say(`\nHTTP GET /index.html (busybox httpd, a new connection per request), one task at ${http}:`);
    for (const concurrency of [1, 16]) {
      say(` ${concurrency} client${concurrency > 1 ? 's' : ''}:`);
      const opts = { concurrency, requests: concurrency === 1 ? 2000 : 6000, maxMs: 8000 };
      await load({ origin: `http://${http}` }, '/index.html', { ...opts, requests: 200 });
      const direct = await load({ origin: `http://${http}` }, '/index.html', opts);
      await load({ origin: viaIngress(HTTP_PORT) }, '/index.html', { ...opts, requests: 200 });
      const through = await load({ origin: viaIngress(HTTP_PORT) }, '/index.html', opts);
      say(row('direct (engine port)', direct));
      say(row('Shoal ingress', through, direct));
    }
    const spread = await load({ origin: viaIngress(SPREAD_PORT) }, '/index.html', {
      concurrency: 16,
      requests: 6000,
      maxMs: 8000,
    });
    say(` 16 clients, 3 tasks on 3 engines:`);
    say(row('Shoal ingress', spread));

    say(`\nTCP echo over one connection (busybox nc -e cat), one task at ${echo}:`);
    const [eh = '', ep = '0'] = echo.split(':');
    await echoRtt(eh, Number(ep), 200);
    const rttDirect = await echoRtt(eh, Number(ep), 3000);
    await echoRtt('127.0.0.1', ECHO_PORT, 200);
    const rttIngress = await echoRtt('127.0.0.1', ECHO_PORT, 3000);
    say(row('RTT direct', rttDirect));
    say(row('RTT Shoal ingress', rttIngress, rttDirect));
    const bulkDirect = await echoBulk(eh, Number(ep), 64);
    const bulkIngress = await echoBulk('127.0.0.1', ECHO_PORT, 64);
    say(
      `  bulk 64 MiB each way: direct ${bulkDirect.toFixed(0)} MiB/s, Shoal ingress ${bulkIngress.toFixed(0)} MiB/s (${((bulkIngress / bulkDirect) * 100).toFixed(0)} %)`,
    );
    say(`\nShoal RSS after the run: ${(shoal.rssKiB() / 1024).toFixed(1)} MiB`);
    for (const name of ['ihttp', 'iecho', 'ispread']) await api(port, 'DELETE', `/v1.41/services/${name}`);
    await until('the tasks gone', async () => {
      const filters = encodeURIComponent(JSON.stringify({ label: ['com.docker.swarm.task'] }));
      return (
        (await api<unknown[]>(port, 'GET', `/v1.41/containers/json?all=1&filters=${filters}`)).length === 0
      );
    });
  } finally {
    await shoal?.stop();
  }
}
