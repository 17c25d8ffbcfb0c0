// (a) The pure scheduler at 1,000 and 5,000 nodes of 30 containers, with constraint, affinity and port
// filters active: decisions per second and decision-time percentiles, placing one container after another.
// Service tasks too: swarm-mode constraints, a spread preference and fewest tasks of the service.
import { DEFAULT_FILTERS } from '../src/config/manage.js';
import { parseExpr } from '../src/scheduler/expr.js';
import { filtersByName, taskFilters } from '../src/scheduler/filters/index.js';
import { parseNodeConstraints } from '../src/scheduler/node-constraint.js';
import { resourcesFilter } from '../src/scheduler/filters/resources.js';
import { indexPorts } from '../src/scheduler/ports.js';
import { schedule, type Scheduler } from '../src/scheduler/schedule.js';
import { SERVICE_ID_LABEL } from '../src/scheduler/task-count.js';
import type { ContainerSnapshot, NodeSnapshot, PlacementRequest } from '../src/scheduler/types.js';
import { spread } from '../strategies/spread.js';
import { percentile } from './load.js';

function container(n: number, k: number): ContainerSnapshot {
  return {
    id: `${n.toString(16).padStart(8, '0')}${k.toString(16).padStart(8, '0')}`.padEnd(64, 'a'),
    name: `c-${n}-${k}`,
    image: k % 2 ? 'busybox:latest' : 'redis:6',
    imageId: k % 2 ? 'sha256:b' : 'sha256:r',
    labels: { tier: k % 3 === 0 ? 'front' : 'back', app: `app${k % 7}` },
    state: k % 4 === 3 ? 'exited' : 'running',
    networkMode: 'default',
    hostPorts: k === 0 ? [{ ip: '', port: String(10_000 + (n % 50)) }] : [],
    exposedPorts: [],
    memory: 64 * 1024 ** 2,
    cpus: 0,
  };
}

export function node(i: number, perNode: number): NodeSnapshot {
  const containers = Array.from({ length: perNode }, (_, k) => container(i, k));
  return {
    id: `NODE${i}`,
    name: `sim-${i}`,
    addr: `127.0.0.1:${20_000 + i}`,
    ip: '127.0.0.1',
    labels: { storage: i % 2 ? 'disk' : 'ssd', zone: `z${i % 10}`, ostype: 'linux' },
    nodeId: `node${i}`,
    nodeLabels: {},
    availability: 'active',
    platform: { os: 'linux', arch: 'x86_64' },
    cpus: 8,
    memory: 32 * 1024 ** 3,
    healthIndicator: 100,
    containers,
    usedCpus: 0,
    usedMemory: containers.filter((c) => c.state === 'running').length * 64 * 1024 ** 2,
    images: ['sha256:b', 'busybox:latest', 'busybox', 'sha256:r', 'redis:6', 'redis'],
    ...indexPorts(containers),
    memo: new Map(),
  };
}

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

export interface SchedulerBenchResult {
  nodes: number;
  decisions: number;
  perSecond: number;
  p50us: number;
  p99us: number;
  maxUs: number;
}

const TASK_CONSTRAINTS = parseNodeConstraints(['engine.labels.storage==ssd', 'engine.labels.zone!=z3']);

/** Replicas of 20 services: swarm-mode constraints instead of classic's, spread over the zones. */
function asTask(r: PlacementRequest, i: number): PlacementRequest {
  const serviceId = `svc${i % 20}`;
  return {
    ...r,
    labels: { [SERVICE_ID_LABEL]: serviceId },
    constraints: [],
    affinities: [],
    service: {
      serviceId,
      constraints: TASK_CONSTRAINTS,
      spread: ['engine.labels.zone'],
      maxReplicas: 0,
      avoid: new Set(),
    },
  };
}

/**
 * `distinct` makes every request different (its own host port), so no verdict is reused: the worst case.
 * Otherwise requests come in 20 shapes, as replicas of 20 services would; `tasks` makes them service tasks.
 */
export function benchScheduler(
  nodeCount: number,
  decisions: number,
  distinct = false,
  perNode = 30,
  tasks = false,
): SchedulerBenchResult {
  const sched: Scheduler = {
    filters: [...filtersByName(DEFAULT_FILTERS), resourcesFilter(0.05), ...taskFilters()],
    strategy: spread,
  };
  let nodes = Array.from({ length: nodeCount }, (_, i) => node(i, perNode));
  const plain = (i: number): PlacementRequest => ({
    name: `new-${i}`,
    image: 'busybox:latest',
    labels: {},
    networkMode: 'default',
    hostPorts: [{ ip: '', port: String(distinct ? 20_000 + i : 8000 + (i % 20)) }],
    exposedPorts: [],
    memory: 128 * 1024 ** 2,
    cpus: 0.5,
    constraints: [parseExpr('storage==ssd'), parseExpr('zone!=z3')],
    affinities: [parseExpr('tier==front'), parseExpr('image==busybox')],
    whitelists: [],
    dependencies: [],
  });
  const req = (i: number) => (tasks ? asTask(plain(i), i) : plain(i));
  const ctx = { rng: rng(7), overcommit: 0.05 };
  const times: number[] = [];
  for (let i = 0; i < decisions + 50; i++) {
    const r = req(i);
    const t0 = process.hrtime.bigint();
    const d = schedule(sched, nodes, r, ctx);
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    if (i >= 50) times.push(us);
    if (!d.ok) throw new Error(d.message);
    // The chosen node changes (as the pool replaces one engine's snapshot); the others are reused.
    const at = nodes.indexOf(d.node);
    const n = d.node;
    const containers = [
      ...n.containers,
      {
        ...container(0, 1),
        id: `n${i}`.padEnd(64, 'b'),
        name: r.name,
        hostPorts: r.hostPorts,
        ...(tasks ? { labels: r.labels } : {}),
      },
    ];
    nodes = nodes.slice();
    nodes[at] = {
      ...n,
      containers,
      ...indexPorts(containers),
      memo: new Map(),
      usedCpus: n.usedCpus + r.cpus,
      usedMemory: n.usedMemory + r.memory,
    };
  }
  times.sort((a, b) => a - b);
  const total = times.reduce((a, b) => a + b, 0);
  return {
    nodes: nodeCount,
    decisions: times.length,
    perSecond: (times.length / total) * 1e6,
    p50us: percentile(times, 50),
    p99us: percentile(times, 99),
    maxUs: times[times.length - 1] ?? 0,
  };
}

export function runSchedulerBench(): void {
  const say = (l: string) => process.stdout.write(`${l}\n`);
  say('\n== (a) Pure scheduler: constraint + affinity + port filters, spread, 30 containers a node ==');
  for (const distinct of [false, true]) {
    say(
      distinct
        ? '  every request different (no verdict reused: the worst case):'
        : '  requests in 20 shapes (replicas of 20 services):',
    );
    for (const n of [1000, 5000]) {
      const r = benchScheduler(n, n === 1000 ? 2000 : 1000, distinct);
      say(
        `  ${String(n).padStart(5)} nodes: ${r.perSecond.toFixed(0).padStart(6)} placements/s, decision p50 ${(r.p50us / 1000).toFixed(3)} ms, p99 ${(r.p99us / 1000).toFixed(3)} ms, max ${(r.maxUs / 1000).toFixed(3)} ms (n=${r.decisions})`,
      );
    }
  }
  say('  service tasks (20 services, node constraints, spread over 10 zones, fewest tasks first):');
  for (const n of [1000, 5000]) {
    const r = benchScheduler(n, 1000, false, 30, true);
    say(
      `  ${String(n).padStart(5)} nodes: ${r.perSecond.toFixed(0).padStart(6)} placements/s, decision p50 ${(r.p50us / 1000).toFixed(3)} ms, p99 ${(r.p99us / 1000).toFixed(3)} ms, max ${(r.maxUs / 1000).toFixed(3)} ms (n=${r.decisions})`,
    );
  }
}
