// A rolling update of 30 replicas on the bench lab's 3 engines, the same CLI commands against Shoal and against
// real swarm mode: `docker service update -d --update-parallelism 5 --update-delay 0s --image <other> s`, timed
// from issuing it until every task meant to run is on the new image and running, and until the service's
// UpdateStatus says completed (which comes one Monitor after the last slot: 1 s here, set at create on both
// sides). GET /services/s and GET /tasks every 50 ms. The runs alternate busybox:other and busybox:local (the
// same image under two tags, made on every engine first), so each run is an update; the tag goes at the end.
import type { Pool } from 'undici';
import type { LabLayout } from '../src/lab/layout.js';
import { startManager, type Child } from './children.js';
import { benchStoreArgs } from './store.js';
import {
  apiPool,
  desiredRunning,
  docker,
  isRunning,
  sleep,
  timeToRunning,
  type TaskView,
} from './services-poll.js';
import { clearLab, labEmpty, sock, swarmDown, swarmUp } from './services-swarm.js';

export const UPDATE_REPLICAS = 30;
const RUNS = Number(process.env['SHOAL_BENCH_SERVICES_UPDATE_RUNS'] ?? 3);
const IMAGES = ['busybox:other', 'busybox:local'] as const;
const TIMEOUT_MS = 180_000;
/** At create, on both sides: what the timed update keeps. */
export const UPDATE_CREATE_FLAGS = ['--init', '--stop-grace-period', '1s', '--update-monitor', '1s'];
/** The timed command's flags, before `--image <image> s`. */
export const UPDATE_FLAGS = ['update', '-d', '--update-parallelism', '5', '--update-delay', '0s'];

export interface UpdateRun {
  image: string;
  /** Issuing the update → the CLI returned. */
  cliMs: number;
  /** Issuing the update → UpdateStatus `updating` seen for the new spec. */
  startedMs: number;
  /** Issuing the update → every task meant to run is on the new image, 30 of them running. */
  runningMs: number;
  /** Issuing the update → UpdateStatus `completed` for the new spec. */
  completedMs: number;
  /** The fewest running tasks among those meant to run, seen during the update. */
  minRunning: number;
  /** The most tasks meant to run but not running yet, seen at once. */
  maxStarting: number;
  /** The most tasks meant to run, seen at once. */
  maxDesired: number;
  /** The new tasks per node at the end, most first, e.g. "10/10/10". */
  spread: string;
}

export interface UpdateResult {
  shoal: UpdateRun[];
  swarm: UpdateRun[];
}

interface ServiceView {
  Spec: { TaskTemplate: { ContainerSpec: { Image: string } } };
  UpdateStatus?: { State: string; CompletedAt?: string; Message?: string };
}

async function inspectService(pool: Pool, name: string): Promise<ServiceView> {
  const res = await pool.request({ method: 'GET', path: `/v1.41/services/${name}`, headersTimeout: 10_000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET /services/${name} answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as ServiceView;
}

/** Without a digest swarm mode might have pinned. */
const imageOf = (t: TaskView) => t.Spec?.ContainerSpec?.Image?.split('@')[0];

function spreadOf(tasks: readonly TaskView[]): string {
  const per = new Map<string, number>();
  for (const t of tasks) per.set(t.NodeID ?? '?', (per.get(t.NodeID ?? '?') ?? 0) + 1);
  return [...per.values()].sort((a, b) => b - a).join('/');
}

/** Polls from `t0` (performance.now()) until the update to `image` has completed; `t0Wall` is Date.now(). */
async function watchUpdate(
  pool: Pool,
  image: string,
  t0: number,
  t0Wall: number,
): Promise<Omit<UpdateRun, 'cliMs'>> {
  const run = { image, startedMs: NaN, runningMs: NaN, completedMs: NaN, minRunning: Infinity };
  let maxStarting = 0;
  let maxDesired = 0;
  let spread = '';
  for (;;) {
    const [svc, tasks] = await Promise.all([inspectService(pool, 's'), desiredRunning(pool, 's')]);
    const at = performance.now() - t0;
    const running = tasks.filter(isRunning);
    run.minRunning = Math.min(run.minRunning, running.length);
    maxStarting = Math.max(maxStarting, tasks.length - running.length);
    maxDesired = Math.max(maxDesired, tasks.length);
    const ours = svc.Spec.TaskTemplate.ContainerSpec.Image.split('@')[0] === image;
    const status = svc.UpdateStatus;
    if (ours && status && /paused|rollback/.test(status.State))
      throw new Error(`the update to ${image} stopped: ${status.State}: ${status.Message ?? ''}`);
    if (ours && Number.isNaN(run.startedMs) && status?.State === 'updating') run.startedMs = at;
    const fresh = running.filter((t) => imageOf(t) === image);
    if (Number.isNaN(run.runningMs) && fresh.length === tasks.length && fresh.length >= UPDATE_REPLICAS) {
      run.runningMs = at;
      spread = spreadOf(fresh);
    }
    const done = status?.State === 'completed' && Date.parse(status.CompletedAt ?? '') >= t0Wall;
    if (ours && done && Number.isNaN(run.completedMs)) run.completedMs = at;
    if (!Number.isNaN(run.runningMs) && !Number.isNaN(run.completedMs))
      return { ...run, maxStarting, maxDesired, spread };
    if (at > TIMEOUT_MS) throw new Error(`timed out after ${TIMEOUT_MS} ms: the update of s to ${image}`);
    await sleep(50);
  }
}

/** The service made with 30 replicas, then RUNS timed updates; removed at the end, the lab left empty. */
async function updateRuns(host: string, lab: LabLayout): Promise<UpdateRun[]> {
  const out: UpdateRun[] = [];
  const pool = apiPool(host);
  const create = ['service', 'create', '-d', '--name', 's', '--replicas', String(UPDATE_REPLICAS)];
  try {
    await docker(host, [...create, ...UPDATE_CREATE_FLAGS, 'busybox:local', 'sleep', '100000']);
    await timeToRunning(pool, 's', UPDATE_REPLICAS);
    for (let i = 0; i < RUNS; i++) {
      const image = IMAGES[i % IMAGES.length] ?? IMAGES[0];
      const t0Wall = Date.now();
      const t0 = performance.now();
      const [cliMs, seen] = await Promise.all([
        docker(host, ['service', ...UPDATE_FLAGS, '--image', image, 's']).then(() => performance.now() - t0),
        watchUpdate(pool, image, t0, t0Wall),
      ]);
      out.push({ ...seen, cliMs });
    }
    await docker(host, ['service', 'rm', 's']);
    await labEmpty(lab);
  } finally {
    await pool.close();
  }
  return out;
}

/** Shoal (its own process, a fresh store), then swarm mode on the same engines; the lab ends clean. */
export async function benchRollingUpdate(lab: LabLayout): Promise<UpdateResult> {
  await clearLab(lab);
  await Promise.all(lab.nodes.map((n) => docker(sock(n), ['tag', 'busybox:local', 'busybox:other'])));
  try {
    let shoal: Child | undefined;
    let shoalRuns: UpdateRun[];
    try {
      const addrs = lab.nodes.map((n) => n.addr).join(',');
      shoal = await startManager([...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', addrs], lab.nodes.length);
      shoalRuns = await updateRuns(`tcp://127.0.0.1:${shoal.port}`, lab);
    } finally {
      await shoal?.stop();
      await clearLab(lab);
    }
    try {
      return { shoal: shoalRuns, swarm: await updateRuns(await swarmUp(lab), lab) };
    } finally {
      await swarmDown(lab);
    }
  } finally {
    await Promise.all(lab.nodes.map((n) => docker(sock(n), ['rmi', 'busybox:other']).catch(() => '')));
  }
}
