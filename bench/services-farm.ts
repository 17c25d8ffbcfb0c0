// Services at scale without real engines: one service scaled 0 → 1,000 tasks through Shoal's HTTP API over
// 100 simulated engines (the farm, its own process), timed until all 1,000 tasks run (goal ≤ 2 s; SwarmKit
// publishes 1,000 tasks in < 2.5 s). Set SHOAL_BENCH_CPU_PROF=<dir> to profile Shoal (node --cpu-prof).
import { readFileSync } from 'node:fs';
import type { Pool } from 'undici';
import { startFarmProcess } from './farm-process.js';
import { startChild, type Child } from './children.js';
import { benchStoreArgs } from './store.js';
import { apiPool, desiredRunning, isRunning, until } from './services-poll.js';

const ENGINES = Number(process.env['SHOAL_BENCH_SERVICE_ENGINES'] ?? 100);
const TASKS = Number(process.env['SHOAL_BENCH_SERVICE_TASKS'] ?? 1000);

const RUNS = Number(process.env['SHOAL_BENCH_SERVICES_RUNS'] ?? 3);
const PLACED = ['assigned', 'accepted', 'preparing', 'ready', 'starting', 'running'];

export interface FarmScaleRun {
  /** POST update → every task at least assigned to a node (the scheduler's part). */
  assignedMs: number;
  /** POST update → every task running, as GET /tasks says. */
  runningMs: number;
  /** POST update to 0 replicas → no task meant to run and no container left on the farm. */
  downMs: number;
  /** Shoal's CPU time (user + system) from the scale-up until all ran. */
  cpuMs: number;
}

export interface FarmScaleResult {
  engines: number;
  tasks: number;
  runs: FarmScaleRun[];
  rssMiB: number;
}

/** CPU time a process has used so far (from /proc, in ms). */
function cpuOf(pid: number | undefined): number {
  const f =
    readFileSync(`/proc/${pid ?? 0}/stat`, 'utf8')
      .split(') ')[1]
      ?.split(' ') ?? [];
  return ((Number(f[11]) || 0) + (Number(f[12]) || 0)) * (1000 / 100);
}

async function call(pool: Pool, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await pool.request({
    method,
    path,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

async function startFarmAndShoal(): Promise<{ farm: Child; shoal: Child }> {
  const { farm, file } = await startFarmProcess(ENGINES, 0);
  const prof = process.env['SHOAL_BENCH_CPU_PROF'];
  const shoal = await startChild(
    'dist/src/cli.js',
    ['manage', ...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', `file://${file}`],
    (out) =>
      out.includes('Listening for HTTP') ? Number(/tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) : undefined,
    30_000,
    prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
  ).catch(async (err: unknown) => {
    await farm.stop();
    throw err;
  });
  return { farm, shoal };
}

async function scaleTo(pool: Pool, id: string, replicas: number): Promise<void> {
  const svc = (await call(pool, 'GET', `/v1.41/services/${id}`)) as {
    Version: { Index: number };
    Spec: Spec;
  };
  const spec = { ...svc.Spec, Mode: { Replicated: { Replicas: replicas } } };
  await call(pool, 'POST', `/v1.41/services/${id}/update?version=${svc.Version.Index}`, spec);
}

type Spec = Record<string, unknown>;

async function once(pool: Pool, id: string, pid: number | undefined): Promise<FarmScaleRun> {
  const c0 = cpuOf(pid);
  const t0 = performance.now();
  await scaleTo(pool, id, TASKS);
  let assignedMs = NaN;
  await until(
    `${TASKS} tasks running`,
    async () => {
      const tasks = await desiredRunning(pool, 's');
      const placed = tasks.filter((t) => PLACED.includes(t.Status.State)).length;
      if (Number.isNaN(assignedMs) && placed >= TASKS) assignedMs = performance.now() - t0;
      return tasks.filter(isRunning).length >= TASKS ? true : undefined;
    },
    120_000,
  );
  const runningMs = performance.now() - t0;
  const cpuMs = cpuOf(pid) - c0;
  const t1 = performance.now();
  await scaleTo(pool, id, 0);
  await until(
    'no task or container left',
    async () => {
      const info = (await call(pool, 'GET', '/v1.41/info')) as { Containers: number };
      return info.Containers === 0 && (await desiredRunning(pool, 's')).length === 0 ? true : undefined;
    },
    120_000,
    100,
  );
  return { assignedMs, runningMs, downMs: performance.now() - t1, cpuMs };
}

/** RUNS scale-ups (0 → 1,000 and back to 0) of one service on one farm behind one Shoal. */
export async function benchFarmScale(): Promise<FarmScaleResult> {
  const { farm, shoal } = await startFarmAndShoal();
  const pool = apiPool(`tcp://127.0.0.1:${shoal.port}`);
  try {
    await until(
      `${ENGINES} engines healthy`,
      async () => {
        const info = (await call(pool, 'GET', '/v1.41/info')) as { SystemStatus: [string, string][] };
        const healthy = info.SystemStatus.filter(([k, v]) => k === '  └ Status' && v === 'Healthy').length;
        return healthy === ENGINES ? true : undefined;
      },
      120_000,
      200,
    );
    const spec = {
      Name: 's',
      TaskTemplate: { ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '100000'], Init: true } },
      Mode: { Replicated: { Replicas: 0 } },
    };
    const { ID } = (await call(pool, 'POST', '/v1.41/services/create', spec)) as { ID: string };
    const runs: FarmScaleRun[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(pool, ID, shoal.proc.pid));
    return { engines: ENGINES, tasks: TASKS, runs, rssMiB: shoal.rssKiB() / 1024 };
  } finally {
    await pool.close();
    await shoal.stop();
    await farm.stop();
  }
}
