// Swarm mode's services with fake engines: create, converge, list, inspect, scale, a task container killed,
// an engine lost, a node drained, global mode, constraints, the errors a client gets, a manager restart.
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../support/http.js';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';

let cluster: FakeCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface TaskJson {
  ID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  Status: { State: string; Err?: string; ContainerStatus?: { ContainerID: string } };
}

const spec = (name: string, extra: Record<string, unknown> = {}) => ({
  Name: name,
  Labels: {},
  TaskTemplate: {
    ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '1000'] },
    RestartPolicy: { Condition: 'any', Delay: 0 },
  },
  Mode: { Replicated: { Replicas: 3 } },
  ...extra,
});

async function start(n = 3, labels: string[][] = []): Promise<FakeCluster> {
  cluster = await fakeCluster(
    Array.from({ length: n }, (_, i) => ({ labels: labels[i] ?? [`zone=${'abc'[i % 3]}`] })),
  );
  return cluster;
}

async function tasks(base: string, filters: Record<string, unknown> = {}): Promise<TaskJson[]> {
  const q = encodeURIComponent(JSON.stringify(filters));
  const r = await call<TaskJson[]>(base, 'GET', `/v1.41/tasks?filters=${q}`);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

async function running(base: string, service: string, count: number): Promise<TaskJson[]> {
  return waitFor(`${count} running tasks of ${service}`, async () => {
    const list = await tasks(base, { service: { [service]: true }, 'desired-state': { running: true } });
    const up = list.filter((t) => t.Status.State === 'running');
    return up.length === count && list.length === count ? up : undefined;
  });
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}

describe('services', () => {
  it('creates a service whose tasks run spread over the engines, named and labelled as swarm mode does', async () => {
    const { base, engines } = await start();
    const made = await call<{ ID: string }>(
      base,
      'POST',
      '/v1.41/services/create',
      spec('web', {
        Mode: { Replicated: { Replicas: 6 } },
      }),
    );
    expect(made.status, made.text).toBe(201);
    const up = await running(base, 'web', 6);
    expect(Object.values(countBy(up, (t) => t.NodeID ?? ''))).toEqual([2, 2, 2]);
    expect(up.map((t) => t.Slot).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const containers = engines.flatMap((e) => [...e.containers.values()]);
    expect(containers).toHaveLength(6);
    for (const c of containers) {
      const t = up.find((x) => x.ID === c.Labels['com.docker.swarm.task.id']);
      expect(t).toBeDefined();
      expect(c.Name).toBe(`/web.${t?.Slot}.${t?.ID}`);
      expect(c.Labels['com.docker.swarm.service.id']).toBe(made.body.ID);
      expect(c.Labels['com.docker.swarm.service.name']).toBe('web');
      expect(c.Labels['com.docker.swarm.node.id']).toBe(t?.NodeID);
      expect(c.State.Running).toBe(true);
    }
    const list = await call<{ ServiceStatus: unknown; Spec: { Name: string } }[]>(
      base,
      'GET',
      '/v1.41/services?status=true',
    );
    expect(list.body.map((s) => [s.Spec.Name, s.ServiceStatus])).toEqual([
      ['web', { RunningTasks: 6, DesiredTasks: 6, CompletedTasks: 0 }],
    ]);
    const byPrefix = await call<{ ID: string }>(base, 'GET', `/v1.41/services/${made.body.ID.slice(0, 5)}`);
    expect(byPrefix.body.ID).toBe(made.body.ID);
    const withDefaults = await call<{ Spec: { UpdateConfig: unknown } }>(
      base,
      'GET',
      '/v1.41/services/web?insertDefaults=true',
    );
    expect(withDefaults.body.Spec.UpdateConfig).toMatchObject({ Parallelism: 1, Order: 'stop-first' });
  });

  it('scales down and up, keeps slots, and answers stale versions as the engine does', async () => {
    const { base, engines } = await start();
    await call(
      base,
      'POST',
      '/v1.41/services/create',
      spec('app', { Mode: { Replicated: { Replicas: 5 } } }),
    );
    await running(base, 'app', 5);
    const cur = await call<{ ID: string; Version: { Index: number }; Spec: Record<string, unknown> }>(
      base,
      'GET',
      '/v1.41/services/app',
    );
    const scaled = { ...cur.body.Spec, Mode: { Replicated: { Replicas: 2 } } };
    const r = await call(
      base,
      'POST',
      `/v1.41/services/${cur.body.ID}/update?version=${cur.body.Version.Index}`,
      scaled,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ Warnings: null });
    const left = await running(base, 'app', 2);
    expect(left.map((t) => t.Slot).sort()).toEqual([1, 2]);
    await waitFor('surplus containers removed', () =>
      engines.reduce((n, e) => n + e.containers.size, 0) === 2 ? true : undefined,
    );
    const after = await call<{ UpdateStatus?: unknown; PreviousSpec?: unknown; Version: { Index: number } }>(
      base,
      'GET',
      '/v1.41/services/app',
    );
    expect(after.body.UpdateStatus).toBeUndefined();
    expect(after.body.PreviousSpec).toBeDefined();
    expect(after.body.Version.Index).toBeGreaterThan(cur.body.Version.Index);
    const stale = await call<{ message: string }>(
      base,
      'POST',
      `/v1.41/services/app/update?version=${cur.body.Version.Index}`,
      scaled,
    );
    expect([stale.status, stale.body.message]).toEqual([
      500,
      'rpc error: code = Unknown desc = update out of sequence',
    ]);
    const missing = await call<{ message: string }>(base, 'POST', '/v1.41/services/app/update', scaled);
    expect([missing.status, missing.body.message]).toEqual([400, "invalid service version ''"]);
    const up = { ...scaled, Mode: { Replicated: { Replicas: 4 } } };
    await call(base, 'POST', `/v1.41/services/app/update?version=${after.body.Version.Index}`, up);
    const four = await running(base, 'app', 4);
    expect(four.map((t) => t.Slot).sort()).toEqual([1, 2, 3, 4]);
  });

  it('replaces a task whose container was killed, in the same slot', async () => {
    const { base, engines } = await start();
    await call(base, 'POST', '/v1.41/services/create', spec('k', { Mode: { Replicated: { Replicas: 2 } } }));
    const [victim] = await running(base, 'k', 2);
    const cid = victim?.Status.ContainerStatus?.ContainerID ?? '';
    const engine = engines.find((e) => e.containers.has(cid));
    expect(engine).toBeDefined();
    const killed = await fetch(`http://${engine?.addr}/v1.41/containers/${cid}/kill`, { method: 'POST' });
    expect(killed.status).toBe(204);
    const successor = await waitFor('a successor running in the slot', async () => {
      const again = await running(base, 'k', 2);
      return again.find((t) => t.Slot === victim?.Slot && t.ID !== victim?.ID);
    });
    expect(successor.Slot).toBe(victim?.Slot);
    const history = await tasks(base, { service: { k: true } });
    const old = history.find((t) => t.ID === victim?.ID);
    expect(old?.DesiredState).toBe('shutdown');
    expect(old?.Status.State).toBe('failed');
  });

  it('moves the tasks of an engine that stops, and of a drained node', async () => {
    const { base, engines } = await start();
    await call(base, 'POST', '/v1.41/services/create', spec('m', { Mode: { Replicated: { Replicas: 3 } } }));
    const up = await running(base, 'm', 3);
    const lost = engines[0];
    const lostNode = up.find((t) =>
      lost?.containers.has(t.Status.ContainerStatus?.ContainerID ?? ''),
    )?.NodeID;
    expect(lostNode).toBeDefined();
    await lost?.stop();
    const moved = await waitFor(
      'tasks running elsewhere',
      async () => {
        const list = await running(base, 'm', 3);
        return list.every((t) => t.NodeID !== lostNode) ? list : undefined;
      },
      15_000,
    );
    expect(new Set(moved.map((t) => t.NodeID)).size).toBe(2);
    const nodes = await call<
      {
        ID: string;
        Description: { Hostname: string };
        Version: { Index: number };
        Spec: Record<string, unknown>;
      }[]
    >(base, 'GET', '/v1.41/nodes');
    const n1 = nodes.body.find((n) => n.Description.Hostname === 'node-1');
    expect(n1).toBeDefined();
    const drained = await call(base, 'POST', `/v1.41/nodes/${n1?.ID}/update?version=${n1?.Version.Index}`, {
      ...n1?.Spec,
      Availability: 'drain',
    });
    expect(drained.status, drained.text).toBe(200);
    const onlyNode2 = await waitFor(
      'all on node-2',
      async () => {
        const list = await running(base, 'm', 3);
        return new Set(list.map((t) => t.NodeID)).size === 1 ? list : undefined;
      },
      15_000,
    );
    expect(onlyNode2[0]?.NodeID).not.toBe(n1?.ID);
  });

  it('runs a global service on every node, following constraints, and says why a task is pending', async () => {
    const { base, engines } = await start(3, [['zone=a'], ['zone=b'], ['zone=b']]);
    await call(base, 'POST', '/v1.41/services/create', spec('g', { Mode: { Global: {} } }));
    const g = await running(base, 'g', 3);
    expect(new Set(g.map((t) => t.NodeID)).size).toBe(3);
    expect(g.every((t) => t.Slot === undefined)).toBe(true);
    const only = spec('zb', {
      TaskTemplate: {
        ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '1000'] },
        Placement: { Constraints: ['engine.labels.zone==b'] },
      },
      Mode: { Replicated: { Replicas: 4 } },
    });
    await call(base, 'POST', '/v1.41/services/create', only);
    const zb = await running(base, 'zb', 4);
    const zoneB = new Set(engines.slice(1).map((e) => e.id));
    expect(zb).toHaveLength(4);
    expect(engines[0]?.containers.size).toBe(1); // the global task only
    expect(zoneB.size).toBe(2);
    const nowhere = spec('nowhere', {
      TaskTemplate: {
        ContainerSpec: { Image: 'busybox:local' },
        Placement: { Constraints: ['node.labels.disk==ssd'] },
      },
    });
    await call(base, 'POST', '/v1.41/services/create', nowhere);
    const pending = await waitFor('pending tasks', async () => {
      const list = await tasks(base, { service: { nowhere: true } });
      return list.length === 3 && list.every((t) => t.Status.Err) ? list : undefined;
    });
    expect(pending[0]?.Status).toMatchObject({
      State: 'pending',
      Err: 'no suitable node (scheduling constraints not satisfied on 3 nodes)',
    });
  });

  it('answers bad requests with the engine texts', async () => {
    const { base } = await start(1);
    const ok = await call(base, 'POST', '/v1.41/services/create', spec('dup'));
    expect(ok.status).toBe(201);
    const dup = await call<{ message: string }>(base, 'POST', '/v1.41/services/create', spec('dup'));
    expect([dup.status, dup.body.message]).toEqual([
      409,
      'rpc error: code = AlreadyExists desc = name conflicts with an existing object: service dup already exists',
    ]);
    const none = await call<{ message: string }>(base, 'GET', '/v1.41/services/nope');
    expect([none.status, none.body.message]).toEqual([404, 'service nope not found']);
    const noImage = await call<{ message: string }>(base, 'POST', '/v1.41/services/create', {
      Name: 'x',
      TaskTemplate: { ContainerSpec: {} },
    });
    expect([noImage.status, noImage.body.message]).toEqual([
      400,
      'rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided',
    ]);
    const badConstraint = await call<{ message: string }>(base, 'POST', '/v1.41/services/create', {
      ...spec('y'),
      TaskTemplate: {
        ContainerSpec: { Image: 'busybox:local' },
        Placement: { Constraints: ['node.labels.x'] },
      },
    });
    expect(badConstraint.status).toBe(400);
    expect(badConstraint.body.message).toContain('constraint expected one operator from ==, !=');
    const negative = await call<{ message: string }>(base, 'POST', '/v1.41/services/create', {
      ...spec('z'),
      Mode: { Replicated: { Replicas: -1 } },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.message).toContain('cannot unmarshal number -1');
    const wrongType = await call<{ message: string }>(base, 'POST', '/v1.41/services/create', { Name: 5 });
    expect(wrongType.status).toBe(400);
    const task = await call<{ message: string }>(base, 'GET', '/v1.41/tasks/nope');
    expect([task.status, task.body.message]).toEqual([404, 'task nope not found']);
    const removed = await call(base, 'DELETE', '/v1.41/services/dup');
    expect(removed.status).toBe(200);
    expect((await call(base, 'GET', '/v1.41/services/dup')).status).toBe(404);
  });
});
