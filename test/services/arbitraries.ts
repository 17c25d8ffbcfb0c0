// Generated clusters for the property tests: nodes in any state, replicated and global services, deleted
// services, and tasks and containers in any state at all (duplicates, stale copies, strays, strangers).
import fc from 'fast-check';
import type { EngineContainer } from '../../src/services/facts.js';
import { TASK_STATES, type TaskState } from '../../src/services/task-state.js';
import type { DesiredService, NodeInfo, Service, Task } from '../../src/services/types.js';
import { taskContainerLabels } from '../../src/services/view.js';
import { CLUSTER, iso, service, T0 } from './fixtures.js';

export const NODE_IDS = ['n1', 'n2', 'n3', 'n4', 'n5'];

export interface Scenario {
  nodes: NodeInfo[];
  services: DesiredService[];
  tasks: Task[];
  containers: EngineContainer[];
}

export type Policies = 'any' | 'mixed';

const restartArb = (policies: Policies): fc.Arbitrary<Record<string, unknown>> =>
  policies === 'any'
    ? fc.record({ Condition: fc.constant('any'), Delay: fc.constantFrom(0, 1e9, 3e9) })
    : fc.record({
        Condition: fc.constantFrom('any', 'on-failure', 'none'),
        Delay: fc.constantFrom(0, 1e9, 3e9),
        MaxAttempts: fc.constantFrom(0, 0, 1, 3),
        Window: fc.constantFrom(0, 2e9, 60e9),
      });

const serviceArb = (policies: Policies) =>
  fc.record({
    global: fc.boolean(),
    replicas: fc.integer({ min: 0, max: 5 }),
    eligible: fc.option(fc.subarray([...NODE_IDS, 'nX'])),
    restart: restartArb(policies),
  });

const containerArb = fc.record({
  state: fc.constantFrom('created', 'running', 'running', 'exited', 'dead', 'paused'),
  exitCode: fc.constantFrom(0, 1, 137),
  health: fc.constantFrom(undefined, undefined, 'healthy', 'unhealthy'),
  error: fc.constantFrom(undefined, undefined, undefined, 'exec: no such file'),
  elsewhere: fc.boolean(),
});

const taskArb = fc.record({
  svc: fc.nat(9),
  slot: fc.integer({ min: 0, max: 3 }),
  node: fc.integer({ min: 0, max: NODE_IDS.length + 1 }),
  state: fc.constantFrom(...TASK_STATES),
  desired: fc.constantFrom<TaskState>('running', 'running', 'ready', 'shutdown', 'remove', 'accepted'),
  ageMs: fc.integer({ min: 3600_000, max: 3 * 3600_000 }),
  specVersion: fc.constantFrom(0, 1),
  notBefore: fc.option(fc.integer({ min: -5000, max: 3000 })),
  history: fc.option(fc.array(fc.integer({ min: -120_000, max: 0 }), { maxLength: 3 })),
  container: fc.option(containerArb, { freq: 3 }),
});

export const scenarioArb = (policies: Policies): fc.Arbitrary<Scenario> =>
  fc
    .record({
      nodeCount: fc.integer({ min: 1, max: NODE_IDS.length }),
      nodes: fc.array(
        fc.record({
          down: fc.boolean(),
          availability: fc.constantFrom<NodeInfo['availability']>('active', 'active', 'pause', 'drain'),
        }),
        {
          minLength: NODE_IDS.length,
          maxLength: NODE_IDS.length,
        },
      ),
      services: fc.array(serviceArb(policies), { minLength: 1, maxLength: 4 }),
      deleted: fc.integer({ min: 0, max: 2 }),
      tasks: fc.array(taskArb, { maxLength: 30, size: 'medium' }),
      strays: fc.array(
        fc.record({ svc: fc.nat(9), node: fc.nat(NODE_IDS.length - 1), running: fc.boolean() }),
        {
          maxLength: 3,
        },
      ),
      strangers: fc.array(fc.record({ kind: fc.nat(2), node: fc.nat(NODE_IDS.length - 1) }), {
        maxLength: 3,
      }),
    })
    .map((g) => {
      const nodes = NODE_IDS.slice(0, g.nodeCount).map((id, i): NodeInfo => {
        const n = g.nodes[i] ?? { down: false, availability: 'active' as const };
        // One node always takes work, so that replicated services can converge.
        if (i === 0) return { id, state: 'ready', availability: 'active' };
        return n.down
          ? { id, state: 'down', availability: n.availability, downSince: T0 - 600_000 }
          : { id, state: 'ready', availability: n.availability };
      });
      const services: DesiredService[] = g.services.map((s, i) => {
        const svc = service(`s${i + 1}`, { global: s.global, replicas: s.replicas, restart: s.restart });
        return s.global && s.eligible
          ? { service: svc, eligibleNodes: new Set(s.eligible) }
          : { service: svc };
      });
      const all: Service[] = [...services.map((d) => d.service)];
      for (let i = 1; i <= g.deleted; i++) all.push(service(`d${i}`));
      const tasks: Task[] = [];
      const containers: EngineContainer[] = [];
      g.tasks.forEach((x, i) => {
        const svc = all[x.svc % all.length] ?? service('s1');
        const nodeId = x.node === 0 ? '' : (NODE_IDS[x.node - 1] ?? 'gone');
        const at = iso(T0 - x.ageMs);
        const t: Task = {
          ID: `g${String(i).padStart(3, '0')}`,
          Version: { Index: i },
          CreatedAt: at,
          UpdatedAt: at,
          Labels: {},
          Spec: structuredClone((svc.Spec['TaskTemplate'] ?? {}) as Record<string, unknown>),
          ServiceID: svc.ID,
          Slot: x.slot,
          NodeID: nodeId,
          Status: { Timestamp: at, State: x.state, Message: '' },
          DesiredState: x.desired,
          SpecVersion: x.specVersion,
          ...(x.notBefore === null ? {} : { NotBefore: T0 + x.notBefore }),
          ...(x.history === null ? {} : { RestartHistory: x.history.map((d) => T0 + d) }),
        };
        tasks.push(t);
        const c = x.container;
        if (!c || nodeId === '' || nodeId === 'gone') return;
        const on = c.elsewhere ? (NODE_IDS.find((n) => n !== nodeId) ?? nodeId) : nodeId;
        containers.push({
          id: `gc${i}`,
          nodeId: on,
          labels: taskContainerLabels(svc, t, CLUSTER),
          state: c.state,
          exitCode: c.exitCode,
          ...(c.health ? { health: c.health } : {}),
          ...(c.error && c.state === 'created' ? { error: c.error } : {}),
        });
      });
      g.strays.forEach((x, i) => {
        const svc = all[x.svc % all.length] ?? service('s1');
        const t = {
          ...(tasks[0] ?? ({} as Task)),
          ID: `lost${i}`,
          ServiceID: svc.ID,
          Slot: 1,
          NodeID: NODE_IDS[x.node] ?? 'n1',
        };
        const labels = taskContainerLabels(svc, t, CLUSTER);
        containers.push({
          id: `stray${i}`,
          nodeId: t.NodeID,
          labels,
          state: x.running ? 'running' : 'exited',
        });
      });
      g.strangers.forEach((x, i) => {
        const t = tasks[0] ?? ({ ID: 'zz', ServiceID: 's1', Slot: 1, NodeID: 'n1', Spec: {} } as Task);
        const swarm = taskContainerLabels(all[0] ?? service('s1'), t, CLUSTER);
        delete swarm['com.docker.shoal.cluster.id'];
        const labels = [swarm, { ...swarm, 'com.docker.shoal.cluster.id': 'another' }, {}][x.kind] ?? {};
        containers.push({ id: `stranger${i}`, nodeId: NODE_IDS[x.node] ?? 'n1', labels, state: 'running' });
      });
      return { nodes, services, tasks, containers };
    });
