// An engine dies under a service: 6 replicas through Shoal on the bench lab (2 per engine), then one node's
// dockerd is SIGKILLed (by its pidfile). Timed from the kill: the victim's tasks no longer meant to run there
// (noticed), and 6 tasks running again, none on the victim. Then the engine is started again and timed until
// Shoal has it ready and none of the victim's old task containers runs. Those were killed when the engine
// restarted (no --live-restore); Shoal keeps them stopped as task history (at most 5 tasks a slot, as
// SwarmKit keeps its task containers), so they are counted, not waited away. Shoal runs with the reschedule bench's
// flags: --engine-failure-retry 1, --engine-refresh-min/max-interval 1s, --heartbeat 1s.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { dockerdPid, isAlive } from '../src/lab/dockerd.js';
import { labStartNode } from '../src/lab/lab.js';
import type { LabLayout, LabNode } from '../src/lab/layout.js';
import { startManager, type Child } from './children.js';
import { benchStoreArgs } from './store.js';
import { apiPool, desiredRunning, docker, isRunning, sleep, timeToRunning, until } from './services-poll.js';
import { clearLab, containersOn, labEmpty } from './services-swarm.js';

const RUNS = Number(process.env['SHOAL_BENCH_SERVICES_FAILURE_RUNS'] ?? 5);
const REPLICAS = 6;
export const FAILURE_FLAGS = [
  '--engine-failure-retry',
  '1',
  '--engine-refresh-min-interval',
  '1s',
  '--engine-refresh-max-interval',
  '1s',
  '--heartbeat',
  '1s',
];

export interface FailureRun {
  victim: string;
  /** Tasks per node before the kill, e.g. "2/2/2". */
  spread: string;
  /** Kill → no task of the service meant to run on the victim any more. */
  noticedMs: number;
  /** Kill → 6 tasks running, none on the victim. */
  replacedMs: number;
  /** Engine answering again → Shoal says the node is ready. */
  readyMs: number;
  /** Engine answering again → none of the victim's old task containers running. */
  staleGoneMs: number;
  /** The victim's old task containers still there (stopped) once none runs. */
  staleKept: number;
}

interface NodeView {
  ID: string;
  Description: { Hostname: string };
  Status: { State: string };
}

async function nodes(pool: Pool): Promise<NodeView[]> {
  const res = await pool.request({ method: 'GET', path: '/v1.41/nodes' });
  return (await res.body.json()) as NodeView[];
}

async function once(lab: LabLayout, host: string, pool: Pool, run: number): Promise<FailureRun> {
  const create = ['service', 'create', '-d', '--name', 'f', '--replicas', String(REPLICAS), '--init'];
  await docker(host, [...create, 'busybox:local', 'sleep', '100000']);
  await timeToRunning(pool, 'f', REPLICAS, 60_000);
  const ids = new Map((await nodes(pool)).map((n) => [n.Description.Hostname, n.ID]));
  const before = (await desiredRunning(pool, 'f')).filter(isRunning);
  const on = (name: string) => before.filter((t) => t.NodeID === ids.get(name)).length;
  // The victims take turns; one with no task of the service is passed over.
  const order = lab.nodes.map((_, i) => lab.nodes[(run + i) % lab.nodes.length]);
  const victim = order.find((n) => n && on(n.name) > 0);
  if (!victim) throw new Error('no node runs a task');
  const victimId = ids.get(victim.name) ?? '';
  const oldContainers = await containersOn(victim);
  const pid = dockerdPid(victim);
  if (pid === undefined) throw new Error(`${victim.name} has no dockerd`);
  const containerd = containerdPid(victim);
  const t0 = performance.now();
  process.kill(pid, 'SIGKILL');
  let noticedMs = NaN;
  await until(
    `${REPLICAS} tasks running off ${victim.name}`,
    async () => {
      const tasks = await desiredRunning(pool, 'f');
      const there = tasks.filter((t) => t.NodeID === victimId).length;
      if (Number.isNaN(noticedMs) && there === 0) noticedMs = performance.now() - t0;
      return there === 0 && tasks.filter(isRunning).length >= REPLICAS ? true : undefined;
    },
    120_000,
  );
  const replacedMs = performance.now() - t0;
  await restart(lab, victim, pid, containerd);
  const t1 = performance.now();
  let readyMs = NaN;
  await until(
    `${victim.name} ready and none of its old task containers running`,
    async () => {
      const ready = (await nodes(pool)).find((n) => n.ID === victimId)?.Status.State === 'ready';
      if (ready && Number.isNaN(readyMs)) readyMs = performance.now() - t1;
      const running = (await containersOn(victim, false)).filter((id) => oldContainers.includes(id));
      return ready && running.length === 0 ? true : undefined;
    },
    120_000,
  );
  const staleGoneMs = performance.now() - t1;
  const staleKept = (await containersOn(victim)).filter((id) => oldContainers.includes(id)).length;
  await docker(host, ['service', 'rm', 'f']);
  await labEmpty(lab);
  const spread = lab.nodes.map((n) => on(n.name)).join('/');
  return { victim: victim.name, spread, noticedMs, replacedMs, readyMs, staleGoneMs, staleKept };
}

/** The containerd a lab dockerd started for itself (it outlives a SIGKILLed dockerd). */
function containerdPid(n: LabNode): number | undefined {
  try {
    const pid = Number(readFileSync(join(n.dir, 'exec', 'containerd', 'containerd.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the killed node again, as a whole: its old containerd goes first (by its pidfile). A new dockerd
 * would otherwise try to reuse it, and under load gave up on it and exited ("failed to start containerd:
 * timeout waiting for containerd to start").
 */
async function restart(
  lab: LabLayout,
  n: LabNode,
  dockerd: number | undefined,
  containerd: number | undefined,
): Promise<void> {
  while (dockerd !== undefined && isAlive(dockerd)) await sleep(50);
  if (containerd !== undefined && isAlive(containerd)) {
    process.kill(containerd, 'SIGKILL');
    while (isAlive(containerd)) await sleep(50);
  }
  await labStartNode(lab, n.index);
}

export async function benchEngineFailure(lab: LabLayout): Promise<FailureRun[]> {
  await clearLab(lab);
  let shoal: Child | undefined;
  const pool = (port: number) => apiPool(`tcp://127.0.0.1:${port}`);
  let api: Pool | undefined;
  const runs: FailureRun[] = [];
  try {
    const addrs = lab.nodes.map((n) => n.addr).join(',');
    shoal = await startManager(
      [...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', ...FAILURE_FLAGS, addrs],
      lab.nodes.length,
    );
    api = pool(shoal.port);
    const host = `tcp://127.0.0.1:${shoal.port}`;
    for (let i = 0; i < RUNS; i++) runs.push(await once(lab, host, api, i));
  } finally {
    await api?.close();
    await shoal?.stop();
    // A run that failed half way may have left a node down: every node is brought back.
    for (const n of lab.nodes) {
      const pid = dockerdPid(n);
      if (pid === undefined || !isAlive(pid)) await restart(lab, n, undefined, containerdPid(n));
    }
    await clearLab(lab);
  }
  return runs;
}
