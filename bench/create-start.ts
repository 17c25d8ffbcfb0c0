// Create+start latency through Shoal alone, with its CPU per pair: `node dist/bench/create-start.js [ENGINES]
// [CONTAINERS] [PAIRS]`. A fresh farm, Shoal in front of it, the scale bench's create body, sequential pairs;
// p50/p90 of create, of start and of the pair, and Shoal's CPU milliseconds per pair (wall minus that is
// waiting). SHOAL_NODE_ARGS adds flags to Shoal's node (profiling).
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { startChild } from './children.js';
import { waitHealthy } from './frontends.js';
import { percentile } from './load.js';
import { startFarmProcess } from './farm-process.js';
import { benchStoreArgs } from './store.js';

const ENGINES = Number(process.argv[2] ?? 1000);
const PER_ENGINE = Number(process.argv[3] ?? 30);
const PAIRS = Number(process.argv[4] ?? 500);
const NODE_ARGS = (process.env['SHOAL_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

const CREATE = JSON.stringify({
  Image: 'busybox:local',
  Cmd: ['sleep', '1000'],
  Env: ['constraint:storage==ssd'],
  HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '' }] } },
});

function cpuMs(pid: number | undefined): number {
  const fields =
    readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8')
      .split(') ')[1]
      ?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function post(pool: Pool, path: string, body?: string): Promise<{ status: number; text: string }> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

const since = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(2)} p90 ${percentile(s, 90).toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const { farm, file } = await startFarmProcess(ENGINES, PER_ENGINE);
  const t0 = Date.now();
  const shoal = await startChild(
    'dist/src/cli.js',
    ['manage', ...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', `file://${file}`],
    (out) =>
      out.includes('Listening for HTTP') ? Number(/tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) : undefined,
    30_000,
    NODE_ARGS,
  );
  const origin = `http://127.0.0.1:${shoal.port}`;
  const pool = new Pool(origin, { connections: 4 });
  try {
    const healthyMs = await waitHealthy(origin, ENGINES, ENGINES * PER_ENGINE, t0);
    await new Promise((r) => setTimeout(r, 3000));
    const creates: number[] = [];
    const starts: number[] = [];
    const pairs: number[] = [];
    const cpu0 = cpuMs(shoal.proc.pid);
    const w0 = Date.now();
    for (let i = 0; i < PAIRS; i++) {
      const t = process.hrtime.bigint();
      const c = await post(pool, `/v1.41/containers/create?name=cs-${i}`, CREATE);
      if (c.status !== 201) throw new Error(`create answered ${c.status}: ${c.text}`);
      creates.push(since(t));
      const ts = process.hrtime.bigint();
      const s = await post(pool, `/v1.41/containers/${(JSON.parse(c.text) as { Id: string }).Id}/start`);
      if (s.status !== 204) throw new Error(`start answered ${s.status}: ${s.text}`);
      starts.push(since(ts));
      pairs.push(since(t));
    }
    const cpu = cpuMs(shoal.proc.pid) - cpu0;
    const wall = Date.now() - w0;
    const say = (l: string) => process.stdout.write(`${l}\n`);
    say(`${ENGINES} engines × ${PER_ENGINE}, healthy in ${(healthyMs / 1000).toFixed(1)} s, ${PAIRS} pairs`);
    say(`create      ${summary(creates)}`);
    say(`start       ${summary(starts)}`);
    say(`create+start ${summary(pairs)}`);
    say(`Shoal CPU ${(cpu / PAIRS).toFixed(2)} ms per pair, wall ${(wall / PAIRS).toFixed(2)} ms per pair`);
  } finally {
    await pool.close();
    await shoal.stop();
    await farm.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`create-start bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
