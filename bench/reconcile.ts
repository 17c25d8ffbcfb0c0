// The pure services reconcile: one pass over 1,000 services × 10 replicas on 1,000 nodes (goal ≤ 50 ms),
// steady, with task history, with churn (failures, a node down, one drained, scaling), and from nothing.
import { containerFacts } from '../src/services/facts.js';
import { reconcile } from '../src/services/reconcile.js';
import type { ContainerFacts, Desired, NodeInfo, Observed, Service, Task } from '../src/services/types.js';
import { taskContainerLabels } from '../src/services/view.js';
import { percentile } from './load.js';

const CLUSTER = 'bench';
const NOW = Date.parse('2026-11-22T03:00:00.000Z');

export interface ReconcileBenchResult {
  scenario: string;
  tasks: number;
  containers: number;
  actions: number;
  firstMs: number;
  p50Ms: number;
  maxMs: number;
  /** CPU time of the median pass: what the pass costs, whatever else the machine is doing. */
  cpuP50Ms: number;
}

type Scenario = 'steady' | 'history' | 'churn' | 'empty';

function service(i: number, replicas: number): Service {
  const at = new Date(NOW - 86_400_000).toISOString();
  return {
    ID: `svc${String(i).padStart(4, '0')}`.padEnd(25, 'x'),
    Version: { Index: i },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: {
      Name: `app${i}`,
      Labels: { 'com.docker.stack.namespace': `st${i % 50}` },
      TaskTemplate: { ContainerSpec: { Image: 'busybox:latest', Args: ['sleep', '1d'] } },
      Mode: { Replicated: { Replicas: replicas } },
    },
    SpecVersion: 1,
  };
}

function task(
  s: Service,
  id: string,
  slot: number,
  nodeId: string,
  ageMs: number,
  over: Partial<Task> = {},
): Task {
  const at = new Date(NOW - ageMs).toISOString();
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: at,
    UpdatedAt: at,
    Labels: {},
    Spec: s.Spec['TaskTemplate'] as Record<string, unknown>,
    ServiceID: s.ID,
    Slot: slot,
    NodeID: nodeId,
    Status: { Timestamp: at, State: 'running', Message: 'started' },
    DesiredState: 'running',
    SpecVersion: 1,
    ...over,
  };
}

/** The cluster of a scenario: its desired and observed state. */
export function reconcileScene(scenario: Scenario, serviceCount = 1000, replicas = 10, nodeCount = 1000) {
  const nodes: NodeInfo[] = Array.from({ length: nodeCount }, (_, i) => ({
    id: `node${i}`,
    availability: scenario === 'churn' && i === 1 ? 'drain' : 'active',
    state: scenario === 'churn' && i === 0 ? 'down' : 'ready',
    ...(scenario === 'churn' && i === 0 ? { downSince: NOW - 30_000 } : {}),
  }));
  const services: Service[] = [];
  const tasks: Task[] = [];
  const containers: ContainerFacts[] = [];
  const own = (s: Service, t: Task, state: string, exitCode = 0) => {
    const labels = taskContainerLabels(s, t, CLUSTER);
    const f = containerFacts({ id: `c-${t.ID}`, nodeId: t.NodeID, labels, state, exitCode, pid: 1 }, CLUSTER);
    // Churn: node0 is down, so its containers are not seen.
    if (f && !(scenario === 'churn' && t.NodeID === 'node0')) containers.push(f);
  };
  for (let i = 0; i < serviceCount; i++) {
    // Churn: a tenth of the services scale (up 2 or down 2).
    const scaled = scenario === 'churn' && i % 10 === 0 ? replicas + (i % 20 === 0 ? 2 : -2) : replicas;
    const s = service(i, scaled);
    services.push(s);
    if (scenario === 'empty') continue;
    for (let slot = 1; slot <= replicas; slot++) {
      const nodeId = `node${(i * replicas + slot) % nodeCount}`;
      const t = task(s, `${s.ID.slice(0, 7)}t${slot}`.padEnd(25, 'y'), slot, nodeId, 3_600_000);
      tasks.push(t);
      // Churn: one container in twenty has exited with an error.
      own(s, t, scenario === 'churn' && (i + slot) % 20 === 0 ? 'exited' : 'running', 1);
      if (scenario !== 'history') continue;
      for (let h = 1; h <= 2; h++) {
        const over = {
          DesiredState: 'shutdown' as const,
          Status: { Timestamp: '', State: 'failed' as const, Message: '' },
        };
        const old = task(s, `${t.ID.slice(0, 20)}h${h}`, slot, nodeId, 3_600_000 + h * 60_000, over);
        tasks.push(old);
        own(s, old, 'exited', 1);
      }
    }
  }
  // As the loop gets them: parsed from the store's and the engines' JSON (flat strings, no shared objects).
  const parsed = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
  const desired: Desired = { services: parsed(services).map((s) => ({ service: s })), nodes: parsed(nodes) };
  const observed: Observed = { tasks: parsed(tasks), containers: parsed(containers) };
  return { desired, observed };
}

export function benchReconcile(scenario: Scenario, runs = 20): ReconcileBenchResult {
  const { desired, observed } = reconcileScene(scenario);
  const times: number[] = [];
  const cpu: number[] = [];
  let actions = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    actions = reconcile(desired, observed, NOW).length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const firstMs = times[0] ?? 0;
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    scenario,
    tasks: observed.tasks.length,
    containers: observed.containers.length,
    actions,
    firstMs,
    p50Ms: percentile(times, 50),
    maxMs: times[times.length - 1] ?? 0,
    cpuP50Ms: percentile(cpu, 50),
  };
}

/** Times one pass per scenario (the first pass, cold; the median of 20, wall and CPU) and prints them. */
export function runReconcileBench(): ReconcileBenchResult[] {
  const say = (l: string) => process.stdout.write(`${l}\n`);
  say('\n== Services reconcile: one pass, 1,000 services × 10 replicas on 1,000 nodes (goal ≤ 50 ms) ==');
  const results = (['steady', 'history', 'churn', 'empty'] as const).map((s) => benchReconcile(s));
  for (const r of results) {
    say(
      `  ${r.scenario.padEnd(8)} ${String(r.tasks).padStart(6)} tasks ${String(r.containers).padStart(6)} containers → ${String(r.actions).padStart(6)} actions: first ${r.firstMs.toFixed(1)} ms, p50 ${r.p50Ms.toFixed(1)} ms (CPU ${r.cpuP50Ms.toFixed(1)} ms), max ${r.maxMs.toFixed(1)} ms`,
    );
  }
  return results;
}
