// Node snapshots for scheduler tests, and a loop that places containers one after another.
import { indexPorts } from '../../src/scheduler/ports.js';
import { schedule, type Scheduler } from '../../src/scheduler/schedule.js';
import type { ContainerSnapshot, NodeSnapshot, PlacementRequest } from '../../src/scheduler/types.js';

export function node(name: string, over: Partial<NodeSnapshot> = {}): NodeSnapshot {
  const { hostPorts, hostModePorts } = indexPorts(over.containers ?? []);
  return {
    images: [],
    hostPorts,
    hostModePorts,
    memo: new Map(),
    id: `ID-${name}`,
    name,
    addr: `${name}:2375`,
    ip: '127.0.0.1',
    labels: {},
    nodeId: `node-id-${name}`,
    nodeLabels: {},
    availability: 'active',
    platform: { os: 'linux', arch: 'x86_64' },
    cpus: 2,
    memory: 2 * 1024 ** 3,
    healthIndicator: 100,
    containers: [],
    usedCpus: 0,
    usedMemory: 0,
    ...over,
  };
}

export function request(over: Partial<PlacementRequest> = {}): PlacementRequest {
  return {
    name: '',
    image: 'busybox',
    labels: {},
    networkMode: 'default',
    hostPorts: [],
    exposedPorts: [],
    memory: 0,
    cpus: 0,
    constraints: [],
    affinities: [],
    whitelists: [],
    dependencies: [],
    ...over,
  };
}

export function seeded(seed = 1): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function placed(req: PlacementRequest, i: number): ContainerSnapshot {
  return {
    id: `c${i}`,
    name: req.name,
    image: req.image,
    imageId: '',
    labels: req.labels,
    state: 'running',
    networkMode: req.networkMode,
    hostPorts: req.hostPorts,
    exposedPorts: req.exposedPorts,
    memory: req.memory,
    cpus: req.cpus,
  };
}

/** Places `count` copies of the request, each decision seeing the previous ones; returns containers per node. */
export function placeMany(
  sched: Scheduler,
  nodes: NodeSnapshot[],
  req: PlacementRequest,
  count: number,
  rng = seeded(),
): Record<string, number> {
  let current = nodes;
  for (let i = 0; i < count; i++) {
    const d = schedule(sched, current, req, { rng, overcommit: 0.05 });
    if (!d.ok) throw new Error(d.message);
    current = current.map((n) => {
      if (n.addr !== d.node.addr) return n;
      const containers = [...n.containers, placed(req, i)];
      return {
        ...n,
        containers,
        ...indexPorts(containers),
        memo: new Map<string, Set<string>>(),
        usedCpus: n.usedCpus + req.cpus,
        usedMemory: n.usedMemory + req.memory,
      };
    });
  }
  return Object.fromEntries(
    current.map((n) => [
      n.name,
      n.containers.length - (nodes.find((o) => o.addr === n.addr)?.containers.length ?? 0),
    ]),
  );
}
