// Scale 0 → 30 replicas on the bench lab's 3 engines, the same CLI commands against Shoal and against real
// swarm mode: from issuing `docker service scale -d s=30` until 30 tasks run (GET /tasks every 50 ms), then
// back to 0 until the lab has no container left, several times; the service is removed at the end.
import type { LabLayout } from '../src/lab/layout.js';
import { startManager, type Child } from './children.js';
import { benchStoreArgs } from './store.js';
import { apiPool, docker, timeToRunning } from './services-poll.js';
import { clearLab, labEmpty, sock, swarmDown, swarmSubnets, swarmUp } from './services-swarm.js';

export const SCALE_REPLICAS = 30;
const RUNS = Number(process.env['SHOAL_BENCH_SERVICES_RUNS'] ?? 3);

export interface ScaleRuns {
  /** Issuing the scale command → all replicas running. */
  runningMs: number[];
  /** Issuing the scale command → the CLI returned (the update answered). */
  cliMs: number[];
  /** Issuing `scale s=0` → no container left on the lab. */
  downMs: number[];
}

export interface LabScaleResult {
  /** No orchestrator: 30 creates + starts straight to the engines' sockets, 10 per engine, all at once. */
  direct: number[];
  shoal: ScaleRuns;
  swarm: ScaleRuns;
  /** Where swarm mode's own networks landed (node, network, subnet). */
  swarmSubnets: string[];
}

/** `whileUp` runs (untimed) once the first scale-up has all its tasks running. */
async function scaleRuns(host: string, lab: LabLayout, whileUp?: () => Promise<void>): Promise<ScaleRuns> {
  const out: ScaleRuns = { runningMs: [], cliMs: [], downMs: [] };
  const pool = apiPool(host);
  const create = ['service', 'create', '-d', '--name', 's', '--replicas', '0', '--init'];
  try {
    await docker(host, [...create, 'busybox:local', 'sleep', '100000']);
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const [cli] = await Promise.all([
        docker(host, ['service', 'scale', '-d', `s=${SCALE_REPLICAS}`]).then(() => performance.now() - t0),
        timeToRunning(pool, 's', SCALE_REPLICAS),
      ]);
      out.runningMs.push(performance.now() - t0);
      out.cliMs.push(cli);
      if (i === 0) await whileUp?.();
      const t1 = performance.now();
      await docker(host, ['service', 'scale', '-d', 's=0']);
      await labEmpty(lab);
      out.downMs.push(performance.now() - t1);
    }
    await docker(host, ['service', 'rm', 's']);
    await labEmpty(lab);
  } finally {
    await pool.close();
  }
  return out;
}

/** For reference: what the engines take for the same 30 containers asked for straight, all at once. */
async function directRuns(lab: LabLayout): Promise<number[]> {
  const pools = lab.nodes.map((n) => apiPool(sock(n)));
  const body = JSON.stringify({
    Image: 'busybox:local',
    Cmd: ['sleep', '100000'],
    HostConfig: { Init: true },
  });
  const out: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: SCALE_REPLICAS }, async (_, k) => {
          const pool = pools[k % pools.length];
          if (!pool) return;
          const headers = { 'content-type': 'application/json' };
          const res = await pool.request({ method: 'POST', path: '/v1.41/containers/create', headers, body });
          const { Id } = (await res.body.json()) as { Id: string };
          const started = await pool.request({ method: 'POST', path: `/v1.41/containers/${Id}/start` });
          await started.body.text();
          if (started.statusCode !== 204) throw new Error(`start answered ${started.statusCode}`);
        }),
      );
      out.push(performance.now() - t0);
      await clearLab(lab);
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return out;
}

/** The engines alone, then Shoal (its own process, a fresh store), then swarm mode on the same engines; the
 *  lab ends clean. */
export async function benchLabScale(lab: LabLayout): Promise<LabScaleResult> {
  await clearLab(lab);
  const direct = await directRuns(lab);
  let shoal: Child | undefined;
  let shoalRuns: ScaleRuns;
  try {
    const addrs = lab.nodes.map((n) => n.addr).join(',');
    shoal = await startManager([...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', addrs], lab.nodes.length);
    shoalRuns = await scaleRuns(`tcp://127.0.0.1:${shoal.port}`, lab);
  } finally {
    await shoal?.stop();
    await clearLab(lab);
  }
  try {
    const manager = await swarmUp(lab);
    // With tasks running on every node, ingress and docker_gwbridge exist everywhere: check where they are.
    let subnets: string[] = [];
    const swarmRuns = await scaleRuns(manager, lab, async () => void (subnets = await swarmSubnets(lab)));
    return { direct, shoal: shoalRuns, swarm: swarmRuns, swarmSubnets: subnets };
  } finally {
    await swarmDown(lab);
  }
}
