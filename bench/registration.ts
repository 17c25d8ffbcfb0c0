// Engine registration speed and Shoal's memory at scale: `node dist/bench/registration.js [ENGINES]
// [CONTAINERS] [--load]`. Starts a simulated farm, then Shoal in front of it; reports how long until every
// engine is Healthy with all containers cached, Shoal's RSS then, its peak (VmHWM) under creates (--load),
// and its RSS after the load has stopped. SHOAL_NODE_ARGS adds flags to Shoal's node (profiling).
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { startFarmProcess } from './farm-process.js';
import { startChild } from './children.js';
import { benchStoreArgs } from './store.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ENGINES = Number(args[0] ?? 1000);
const PER_ENGINE = Number(args[1] ?? 30);
const LOAD = process.argv.includes('--load');
const NODE_ARGS = (process.env['SHOAL_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

function memOf(pid: number | undefined): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
  const kib = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kib('VmRSS') / 1024), hwm: Math.round(kib('VmHWM') / 1024) };
}

/** CPU seconds (user + system) the process has used: steadier than wall time on a shared machine. */
function cpuOf(pid: number | undefined): number {
  const fields =
    readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8')
      .split(') ')[1]
      ?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function post(pool: Pool, path: string, body?: unknown): Promise<{ status: number; id?: string }> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, id: text ? (JSON.parse(text) as { Id?: string }).Id : undefined };
}

async function healthyCount(pool: Pool): Promise<{ healthy: number; containers: number }> {
  const res = await pool.request({ method: 'GET', path: '/info' });
  const info = (await res.body.json()) as { SystemStatus: [string, string][]; Containers: number };
  const healthy = info.SystemStatus.filter(([k, v]) => k === '  └ Status' && v === 'Healthy').length;
  return { healthy, containers: info.Containers };
}

/** Sequential create+start (≤ 500 or 60 s), then 32 clients creating up to 3,000; p50 of create+start. */
async function createLoad(pool: Pool): Promise<number> {
  const body = { Image: 'busybox:local', Cmd: ['sleep', '1000'], Env: ['constraint:storage==ssd'] };
  const pairs: number[] = [];
  const t0 = Date.now();
  for (let i = 0; i < 500 && Date.now() - t0 < 60_000; i++) {
    const t = process.hrtime.bigint();
    const c = await post(pool, `/v1.41/containers/create?name=reg-seq-${i}`, body);
    if (c.status !== 201) throw new Error(`create answered ${c.status}`);
    if ((await post(pool, `/v1.41/containers/${c.id}/start`)).status !== 204) throw new Error('start failed');
    pairs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  let n = 0;
  const t1 = Date.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (n < 3000 && Date.now() - t1 < 60_000) {
        const c = await post(pool, `/v1.41/containers/create?name=reg-par-${n++}`, body);
        if (c.status !== 201) throw new Error(`create answered ${c.status}`);
      }
    }),
  );
  pairs.sort((a, b) => a - b);
  return pairs[Math.floor(pairs.length / 2)] ?? NaN;
}

/** Where the resident memory is, from Shoal's own /metrics (prom-client's Node figures), in MiB. */
async function heapOf(pool: Pool): Promise<Record<string, number>> {
  const res = await pool.request({ method: 'GET', path: '/metrics' });
  const text = await res.body.text();
  const mib = (name: string) =>
    Math.round(Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20);
  return {
    heapUsedMiB: mib('nodejs_heap_size_used_bytes'),
    heapTotalMiB: mib('nodejs_heap_size_total_bytes'),
    externalMiB: mib('nodejs_external_memory_bytes'),
  };
}

async function main(): Promise<void> {
  const { farm, file } = await startFarmProcess(ENGINES, PER_ENGINE);
  const farmCpu0 = cpuOf(farm.proc.pid);
  const t1 = Date.now();
  const shoal = await startChild(
    'dist/src/cli.js',
    ['manage', ...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', `file://${file}`],
    (out) =>
      out.includes('Listening for HTTP') ? Number(/tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) : undefined,
    30_000,
    NODE_ARGS,
  );
  const pool = new Pool(`http://127.0.0.1:${shoal.port}`, { connections: 64 });
  const out: Record<string, number> = { engines: ENGINES, containers: ENGINES * PER_ENGINE };
  try {
    for (;;) {
      const { healthy, containers } = await healthyCount(pool);
      if (healthy === ENGINES && containers === ENGINES * PER_ENGINE) break;
      if (Date.now() - t1 > 300_000) throw new Error(`only ${healthy} engines healthy after 300 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    out['healthySeconds'] = (Date.now() - t1) / 1000;
    out['cpuHealthyS'] = cpuOf(shoal.proc.pid);
    out['farmCpuS'] = Number((cpuOf(farm.proc.pid) - farmCpu0).toFixed(2));
    const atHealthy = memOf(shoal.proc.pid);
    out['rssHealthyMiB'] = atHealthy.rss;
    out['hwmHealthyMiB'] = atHealthy.hwm;
    await new Promise((r) => setTimeout(r, 10_000));
    out['rssRestMiB'] = memOf(shoal.proc.pid).rss;
    Object.assign(out, await heapOf(pool));
    out['cpuRestS'] = cpuOf(shoal.proc.pid);
    if (LOAD) {
      out['createStartP50ms'] = Number((await createLoad(pool)).toFixed(2));
      out['hwmLoadMiB'] = memOf(shoal.proc.pid).hwm;
      out['rssAfterLoadMiB'] = memOf(shoal.proc.pid).rss;
      await new Promise((r) => setTimeout(r, 20_000));
      out['rssAfterLoad20sMiB'] = memOf(shoal.proc.pid).rss;
    }
  } finally {
    await pool.close();
    await shoal.stop();
    await farm.stop();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`registration bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
