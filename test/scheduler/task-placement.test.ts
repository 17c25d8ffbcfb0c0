// A service's task placed as swarm mode places it: ready nodes, constraints, max replicas, spread
// preferences, fewest tasks of the service, and SwarmKit's words when nothing fits.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS } from '../../src/config/manage.js';
import { filtersByName, taskFilters } from '../../src/scheduler/filters/index.js';
import { resourcesFilter } from '../../src/scheduler/filters/resources.js';
import { parseNodeConstraints } from '../../src/scheduler/node-constraint.js';
import { indexPorts } from '../../src/scheduler/ports.js';
import { pendingContainer } from '../../src/scheduler/request.js';
import { schedule, type Scheduler } from '../../src/scheduler/schedule.js';
import { SERVICE_ID_LABEL } from '../../src/scheduler/task-count.js';
import type {
  ContainerSnapshot,
  NodeSnapshot,
  PlacementRequest,
  Strategy,
  TaskPlacement,
} from '../../src/scheduler/types.js';
import { binpack } from '../../strategies/binpack.js';
import { spread } from '../../strategies/spread.js';
import { node, request, seeded } from '../support/nodes.js';

const filters = [...filtersByName(DEFAULT_FILTERS), resourcesFilter(0.05), ...taskFilters()];
const using = (strategy: Strategy): Scheduler => ({ filters, strategy });
const sched = using(spread);
const ctx = () => ({ rng: seeded(3), overcommit: 0.05 });

function task(over: Partial<TaskPlacement> = {}): TaskPlacement {
  return { serviceId: 'svc', constraints: [], spread: [], maxReplicas: 0, avoid: new Set(), ...over };
}

function taskRequest(t: TaskPlacement, over: Partial<PlacementRequest> = {}): PlacementRequest {
  return request({
    name: `${t.serviceId}.1`,
    labels: { [SERVICE_ID_LABEL]: t.serviceId },
    service: t,
    ...over,
  });
}

function container(over: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return { ...pendingContainer(request()), id: 'c'.repeat(64), state: 'running', ...over };
}

const taskOf = (serviceId: string, state = 'running') =>
  container({ labels: { [SERVICE_ID_LABEL]: serviceId }, state });

/** The node with one more container, as the pool's next snapshot of it would be. */
function withContainer(n: NodeSnapshot, c: ContainerSnapshot): NodeSnapshot {
  const containers = [...n.containers, c];
  return { ...n, containers, ...indexPorts(containers), memo: new Map(), usedCpus: n.usedCpus + c.cpus };
}

/** Places `count` tasks one after another, each seeing the previous ones as pending; tasks per node name. */
function placeTasks(
  s: Scheduler,
  nodes: readonly NodeSnapshot[],
  t: TaskPlacement,
  count: number,
): Record<string, number> {
  let current = nodes;
  const rng = seeded(5);
  const out: Record<string, number> = Object.fromEntries(nodes.map((n) => [n.name, 0]));
  for (let i = 0; i < count; i++) {
    const req = taskRequest(t, { name: `${t.serviceId}.${i + 1}` });
    const d = schedule(s, current, req, { rng, overcommit: 0.05 });
    if (!d.ok) throw new Error(d.message);
    out[d.node.name] = (out[d.node.name] ?? 0) + 1;
    current = current.map((n) => (n === d.node ? withContainer(n, pendingContainer(req)) : n));
  }
  return out;
}

function byZone(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(counts)) {
    const zone = name.split('-')[0] as string;
    out[zone] = (out[zone] ?? 0) + n;
  }
  return out;
}

function message(nodes: readonly NodeSnapshot[], req: PlacementRequest, s = sched): string {
  const d = schedule(s, nodes, req, ctx());
  if (d.ok) throw new Error(`placed on ${d.node.name}`);
  return d.message;
}

describe('ready nodes', () => {
  const nodes = [
    node('drained', { availability: 'drain' }),
    node('paused', { availability: 'pause' }),
    node('down', { nodeId: 'down-id' }),
    node('ok'),
  ];

  it('puts a task only on an active node the reconciler does not avoid', () => {
    const counts = placeTasks(sched, nodes, task({ avoid: new Set(['down-id']) }), 4);
    expect(counts).toEqual({ drained: 0, paused: 0, down: 0, ok: 4 });
  });

  it('leaves `docker run` alone: drained and paused nodes still take containers', () => {
    const only = [node('drained', { availability: 'drain' })];
    const d = schedule(sched, only, request(), ctx());
    expect(d.ok && d.node.name).toBe('drained');
    // The same shape as a task is refused there: verdicts are not shared between the two.
    expect(message(only, taskRequest(task()))).toBe('no suitable node (1 node not available for new tasks)');
    expect(schedule(sched, only, request({ name: 'svc.1' }), ctx()).ok).toBe(true);
  });

  it('sees a new avoid set on the same snapshots', () => {
    const two = [node('a', { nodeId: 'A' }), node('b', { nodeId: 'B' })];
    const first = placeTasks(sched, two, task({ avoid: new Set(['A']) }), 2);
    const second = placeTasks(sched, two, task({ avoid: new Set(['B']) }), 2);
    expect([first, second]).toEqual([
      { a: 0, b: 2 },
      { a: 2, b: 0 },
    ]);
  });
});

describe('constraints', () => {
  it("keeps tasks on the nodes that satisfy the service's constraints", () => {
    const nodes = [
      node('east-1', { nodeLabels: { zone: 'east' } }),
      node('east-2', { nodeLabels: { zone: 'east' } }),
      node('west-1', { nodeLabels: { zone: 'west' } }),
    ];
    const t = task({ constraints: parseNodeConstraints(['node.labels.zone==EAST', 'node.role==worker']) });
    expect(placeTasks(sched, nodes, t, 4)).toEqual({ 'east-1': 2, 'east-2': 2, 'west-1': 0 });
  });
});

describe('max replicas', () => {
  it("counts the service's tasks on the node that have not ended, pending ones included", () => {
    const n = node('a', {
      containers: [taskOf('svc'), taskOf('svc', 'pending'), taskOf('svc', 'exited'), taskOf('svc', 'dead')],
    });
    const other = node('b', { containers: [taskOf('other'), taskOf('other'), container()] });
    expect(schedule(sched, [n], taskRequest(task({ maxReplicas: 3 })), ctx()).ok).toBe(true);
    expect(message([n], taskRequest(task({ maxReplicas: 2 })))).toBe(
      'no suitable node (max replicas per node limit exceed)',
    );
    expect(schedule(sched, [other], taskRequest(task({ maxReplicas: 1 })), ctx()).ok).toBe(true);
  });

  it('stops at the limit on every node', () => {
    const nodes = [node('a'), node('b')];
    expect(placeTasks(sched, nodes, task({ maxReplicas: 2 }), 4)).toEqual({ a: 2, b: 2 });
    expect(() => placeTasks(sched, nodes, task({ maxReplicas: 2 }), 5)).toThrow(
      'no suitable node (max replicas per node limit exceed)',
    );
  });
});

describe('spread preferences', () => {
  const zoned = (zone: string, i: number, over: Partial<NodeSnapshot> = {}) =>
    node(`${zone}-${i}`, { nodeLabels: { zone }, ...over });

  it('spreads over the values of a node label, however many nodes each has', () => {
    const nodes = [zoned('a', 1), zoned('b', 1), zoned('b', 2), zoned('c', 1), zoned('c', 2), zoned('c', 3)];
    const counts = placeTasks(sched, nodes, task({ spread: ['node.labels.zone'] }), 6);
    expect(byZone(counts)).toEqual({ a: 2, b: 2, c: 2 });
    expect(counts['a-1']).toBe(2);
    expect([counts['b-1'], counts['b-2']]).toEqual([1, 1]);
  });

  it('puts the nodes without the label in a group of their own', () => {
    const nodes = [zoned('a', 1), zoned('b', 1), node('none-1'), node('none-2')];
    expect(byZone(placeTasks(sched, nodes, task({ spread: ['node.labels.zone'] }), 6))).toEqual({
      a: 2,
      b: 2,
      none: 2,
    });
  });

  it("counts a group's tasks on nodes that take no more, but not on drained ones", () => {
    const t = task({ spread: ['node.labels.zone'], maxReplicas: 2 });
    const full = zoned('a', 1, { containers: [taskOf('svc'), taskOf('svc')] });
    const nodes = [full, zoned('a', 2), zoned('b', 1, { containers: [taskOf('svc')] })];
    expect(placeTasks(sched, nodes, t, 1)).toEqual({ 'a-1': 0, 'a-2': 0, 'b-1': 1 });
    const drained = zoned('a', 1, { availability: 'drain', containers: [taskOf('svc'), taskOf('svc')] });
    expect(placeTasks(sched, [drained, ...nodes.slice(1)], t, 1)).toEqual({ 'a-1': 0, 'a-2': 1, 'b-1': 0 });
  });

  it('spreads level by level: racks inside each zone', () => {
    const nodes = [
      node('a-1', { nodeLabels: { zone: 'a', rack: 'r1' } }),
      node('a-2', { nodeLabels: { zone: 'a', rack: 'r2' } }),
      node('a-3', { nodeLabels: { zone: 'a', rack: 'r2' } }),
      node('b-1', { nodeLabels: { zone: 'b', rack: 'r1' } }),
      node('b-2', { nodeLabels: { zone: 'b', rack: 'r1' } }),
    ];
    const counts = placeTasks(sched, nodes, task({ spread: ['node.labels.zone', 'node.labels.rack'] }), 8);
    expect(byZone(counts)).toEqual({ a: 4, b: 4 });
    // Rack r1 of zone a is not rack r1 of zone b.
    expect(counts['a-1']).toBe(2);
    expect((counts['a-2'] ?? 0) + (counts['a-3'] ?? 0)).toBe(2);
  });

  it('spreads over engine labels, and ignores descriptors it does not know', () => {
    const nodes = [
      node('r1-1', { labels: { rack: 'r1' } }),
      node('r1-2', { labels: { rack: 'r1' } }),
      node('r1-3', { labels: { rack: 'r1' } }),
      node('r2-1', { labels: { rack: 'r2' } }),
    ];
    const t = task({ spread: ['node.hostname', 'engine.labels.rack'] });
    expect(byZone(placeTasks(sched, nodes, t, 4))).toEqual({ r1: 2, r2: 2 });
  });
});

describe('fewest tasks of the service first', () => {
  const busy = node('busy', {
    containers: Array.from({ length: 20 }, (_, i) => container({ name: `other-${i}` })),
  });

  it('evens replicas out over the nodes, however many other containers they run (spread)', () => {
    expect(placeTasks(sched, [busy, node('a'), node('b')], task(), 6)).toEqual({ busy: 2, a: 2, b: 2 });
  });

  it('leaves binpack packing, with preferences still applied', () => {
    const packing = using(binpack);
    const counts = placeTasks(packing, [node('a'), node('b'), node('c')], task(), 6);
    expect(Object.values(counts).sort()).toEqual([0, 0, 6]);
    const zones = [
      node('a-1', { nodeLabels: { zone: 'a' } }),
      node('a-2', { nodeLabels: { zone: 'a' } }),
      node('b-1', { nodeLabels: { zone: 'b' } }),
      node('b-2', { nodeLabels: { zone: 'b' } }),
    ];
    const zoned = placeTasks(packing, zones, task({ spread: ['node.labels.zone'] }), 4);
    expect(byZone(zoned)).toEqual({ a: 2, b: 2 });
    expect(Object.values(zoned).sort()).toEqual([0, 0, 2, 2]);
  });
});

describe('no suitable node', () => {
  const t = task({ constraints: parseNodeConstraints(['node.labels.zone==a']) });

  it("says SwarmKit's words when there is no node at all", () => {
    expect(message([], taskRequest(t))).toBe('no suitable node');
  });

  it('counts each node once, under the first filter in pipeline order; most nodes first', () => {
    const nodes = [
      // Drained and outside the zone: counted as not available only.
      node('drained', { availability: 'drain' }),
      node('down', { healthIndicator: 0, nodeLabels: { zone: 'a' } }),
      node('elsewhere-1', { nodeLabels: { zone: 'b' } }),
      node('elsewhere-2'),
      node('elsewhere-3', { nodeLabels: { zone: 'c' } }),
    ];
    expect(message(nodes, taskRequest(t))).toBe(
      'no suitable node (scheduling constraints not satisfied on 3 nodes; 2 nodes not available for new tasks)',
    );
    expect(message(nodes.slice(0, 3), taskRequest(t))).toBe(
      'no suitable node (2 nodes not available for new tasks; scheduling constraints not satisfied on 1 node)',
    );
  });

  it('names resources, host ports, max replicas and container slots', () => {
    const inZone = (name: string, over: Partial<NodeSnapshot> = {}) =>
      node(name, { nodeLabels: { zone: 'a' }, ...over });
    const nodes = [
      inZone('small', { usedCpus: 2 }),
      inZone('port', { containers: [container({ hostPorts: [{ ip: '', port: '8080' }] })] }),
      inZone('full', { containers: [taskOf('svc')] }),
      inZone('slots', { labels: { containerslots: '0' } }),
      node('elsewhere'),
    ];
    const req = taskRequest({ ...t, maxReplicas: 1 }, { cpus: 1, hostPorts: [{ ip: '', port: '8080' }] });
    const d = schedule(sched, nodes, req, ctx());
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.message).toBe(
      'no suitable node (insufficient resources on 1 node; scheduling constraints not satisfied on 1 node; ' +
        'host-mode port already in use on 1 node; max replicas per node limit exceed; ' +
        'no container slots left on 1 node)',
    );
    expect(d.rejections.map((r) => `${r.node}: ${r.filter}`)).toEqual([
      'small: resources',
      'port: port',
      'full: max-replicas',
      'slots: containerslots',
      'elsewhere: task-constraint',
    ]);
    expect(d.rejections.find((r) => r.node === 'elsewhere')?.reason).toBe(
      'constraint node.labels.zone==a not satisfied (node.labels.zone is "")',
    );
  });

  it("keeps classic's messages for `docker run`", () => {
    expect(message([], request())).toBe('No nodes available in the cluster');
    expect(message([node('x', { healthIndicator: 0 })], request())).toBe(
      'No healthy node available in the cluster',
    );
    expect(message([node('x', { usedCpus: 2 })], request({ cpus: 1 }))).toBe(
      'no resources available to schedule container',
    );
  });
});
