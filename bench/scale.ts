// (b) End to end at scale: Shoal (its own process) in front of a simulated farm of 1,000 engines holding
// 30,000 containers (another process), driven over HTTP: create+start latency, creates per second with 32
// clients, /info and filtered /containers/json latency, and Shoal's memory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { startChild } from './children.js';
import { load, summarise } from './load.js';
import { benchStoreArgs } from './store.js';

const ENGINES = Number(process.env['BENCH_ENGINES'] ?? 1000);
const PER_ENGINE = 30;

async function post(pool: Pool, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const ms = (us: number) => (us / 1000).toFixed(2);

export async function runScaleBench(): Promise<void> {
  const say = (l: string) => process.stdout.write(`${l}\n`);
  say(`\n== (b) Through Shoal's API: ${ENGINES} simulated engines, ${ENGINES * PER_ENGINE} containers ==`);
  const t0 = Date.now();
  let addrs: string[] = [];
  const farm = await startChild(
    'dist/test/support/farm-main.js',
    [String(ENGINES), String(PER_ENGINE)],
    (out) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line || !out.includes('\n', out.indexOf(line))) return undefined;
      addrs = (JSON.parse(line) as { addrs: string[] }).addrs;
      return 1;
    },
    120_000,
  );
  say(`  farm up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const file = join(mkdtempSync(join(tmpdir(), 'shoal-bench-')), 'engines');
  writeFileSync(file, addrs.join('\n') + '\n');
  const t1 = Date.now();
  const shoal = await startChild(
    'dist/src/cli.js',
    ['manage', ...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', `file://${file}`],
    (out) =>
      out.includes('Listening for HTTP') ? Number(/tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) : undefined,
  );
  const origin = `http://127.0.0.1:${shoal.port}`;
  const pool = new Pool(origin, { connections: 64 });
  try {
    for (;;) {
      const res = await pool.request({ method: 'GET', path: '/info' });
      const info = (await res.body.json()) as { SystemStatus: [string, string][]; Containers: number };
      const healthy = info.SystemStatus.filter(([k, v]) => k === '  └ Status' && v === 'Healthy').length;
      if (healthy === ENGINES && info.Containers === ENGINES * PER_ENGINE) break;
      if (Date.now() - t1 > 300_000) throw new Error(`only ${healthy} engines healthy after 300 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    say(
      `  Shoal registered ${ENGINES} engines and cached ${ENGINES * PER_ENGINE} containers in ${((Date.now() - t1) / 1000).toFixed(1)} s`,
    );
    const body = {
      Image: 'busybox:local',
      Cmd: ['sleep', '1000'],
      Env: ['constraint:storage==ssd'],
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '' }] } },
    };
    // Sequential create + start.
    const pairs: number[] = [];
    const seqStart = Date.now();
    for (let i = 0; i < 500 && Date.now() - seqStart < 60_000; i++) {
      const t = process.hrtime.bigint();
      const c = await post(pool, `/v1.41/containers/create?name=bench-seq-${i}`, body);
      if (c.status !== 201) throw new Error(`create answered ${c.status}: ${JSON.stringify(c.json)}`);
      const s = await post(pool, `/v1.41/containers/${(c.json as { Id: string }).Id}/start`);
      if (s.status !== 204) throw new Error(`start answered ${s.status}`);
      pairs.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    const seq = summarise(pairs, Date.now() - seqStart);
    say(
      `  create+start, sequential: p50 ${ms(seq.p50)} ms, p90 ${ms(seq.p90)} ms, p99 ${ms(seq.p99)} ms (n=${seq.count})`,
    );
    // Creates with 32 concurrent clients.
    let n = 0;
    const lat: number[] = [];
    const cStart = Date.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (n < 3000 && Date.now() - cStart < 60_000) {
          const i = n++;
          const t = process.hrtime.bigint();
          const c = await post(pool, `/v1.41/containers/create?name=bench-par-${i}`, body);
          if (c.status !== 201) throw new Error(`create answered ${c.status}`);
          lat.push(Number(process.hrtime.bigint() - t) / 1000);
        }
      }),
    );
    const par = summarise(lat, Date.now() - cStart);
    say(
      `  creates, 32 concurrent clients: ${par.perSecond.toFixed(0)} creates/s (p50 ${ms(par.p50)} ms, p99 ${ms(par.p99)} ms, n=${par.count})`,
    );
    const info = await load({ origin }, '/v1.41/info', { concurrency: 1, requests: 200, maxMs: 60_000 });
    say(`  GET /info: p50 ${ms(info.p50)} ms, p99 ${ms(info.p99)} ms (n=${info.count})`);
    const filter = encodeURIComponent(JSON.stringify({ label: ['tier=front'], name: ['c-1'] }));
    const ps = await load({ origin }, `/v1.41/containers/json?all=1&filters=${filter}`, {
      concurrency: 1,
      requests: 200,
      maxMs: 60_000,
    });
    say(
      `  GET /containers/json?all=1 filtered (label + name): p50 ${ms(ps.p50)} ms, p99 ${ms(ps.p99)} ms (n=${ps.count})`,
    );
    const psAll = await load({ origin }, '/v1.41/containers/json', {
      concurrency: 1,
      requests: 50,
      maxMs: 60_000,
    });
    say(
      `  GET /containers/json (all ${ENGINES * PER_ENGINE * 0.75 + seq.count} running): p50 ${ms(psAll.p50)} ms, p99 ${ms(psAll.p99)} ms (n=${psAll.count})`,
    );
    say(
      `  Shoal RSS: ${(shoal.rssKiB() / 1024).toFixed(0)} MiB for ${ENGINES} engines and ${ENGINES * PER_ENGINE + seq.count + par.count} containers`,
    );
  } finally {
    await pool.close();
    await shoal.stop();
    await farm.stop();
  }
}
