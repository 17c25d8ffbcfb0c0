// Services across a leader change (--replication, Consul): what the first leader made, the next one runs
// on, from the store, without a duplicate or an orphan; a replica forwards service calls to the leader.
import { afterEach, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { FakeConsul } from '../support/fake-consul.js';
import { FakeEngine } from '../support/fake-engine.js';
import { freePort } from '../support/free-port.js';
import { call } from '../support/http.js';
import { waitFor } from '../support/wait.js';

let managers: Manager[] = [];
let engines: FakeEngine[] = [];
let consul: FakeConsul | undefined;

afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await Promise.all(engines.map((e) => e.stop()));
  await consul?.close();
  managers = [];
  engines = [];
  consul = undefined;
});

interface TaskJson {
  ID: string;
  Slot: number;
  DesiredState: string;
  Status: { State: string };
}

async function runningTasks(base: string, n: number): Promise<TaskJson[]> {
  return waitFor(
    `${n} running`,
    async () => {
      const q = encodeURIComponent(JSON.stringify({ 'desired-state': { running: true } }));
      const r = await call<TaskJson[]>(base, 'GET', `/v1.41/tasks?filters=${q}`);
      const up = r.status === 200 ? r.body.filter((t) => t.Status.State === 'running') : [];
      return up.length === n && r.body.length === n ? up : undefined;
    },
    10_000,
  );
}

const containers = () => engines.reduce((n, e) => n + e.containers.size, 0);

describe('services with --replication', () => {
  it('the next leader runs the services the first one made, from the store, adding and losing nothing', async () => {
    setLogSink(() => undefined);
    consul = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 1 });
    await consul.start();
    engines = [0, 1, 2].map((i) => new FakeEngine({ name: `node-${i}` }));
    await Promise.all(engines.map((e) => e.start()));
    for (const e of engines) {
      await fetch(`http://${consul.addr}/v1/kv/svc/docker/swarm/nodes/${e.addr}`, {
        method: 'PUT',
        body: e.addr,
      });
    }
    const start = async (port: number) => {
      const m = await startManager(
        parseManageArgs([
          '-H',
          `tcp://127.0.0.1:${port}`,
          '--engine-refresh-min-interval',
          '1s',
          '--engine-refresh-max-interval',
          '1s',
          '--heartbeat',
          '1s',
          '--replication',
          '--replication-ttl',
          '2s',
          '--advertise',
          `127.0.0.1:${port}`,
          `consul://${consul?.addr}/svc`,
        ]),
      );
      managers.push(m);
      await waitFor('engines healthy', () => m.pool.healthy().length === 3, 5000);
      return m;
    };
    const [pa, pb] = [await freePort(), await freePort()];
    const a = await start(pa);
    await waitFor('a leads', () => consul?.kvRead('svc/docker/swarm/leader')?.session !== undefined, 5000);
    await start(pb);
    const [baseA, baseB] = [`http://127.0.0.1:${pa}`, `http://127.0.0.1:${pb}`];
    // Made through the replica: it forwards to the leader.
    const made = await call<{ ID: string }>(baseB, 'POST', '/v1.41/services/create', {
      Name: 'ha',
      TaskTemplate: { ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '1000'] } },
      Mode: { Replicated: { Replicas: 4 } },
    });
    expect(made.status, made.text).toBe(201);
    const before = await runningTasks(baseA, 4);
    expect(containers()).toBe(4);

    managers = managers.filter((m) => m !== a);
    await a.stop();
    await waitFor(
      'b leads',
      async () => (await call(baseB, 'GET', '/v1.41/services/ha')).status === 200,
      8000,
    );
    const after = await runningTasks(baseB, 4);
    expect(after.map((t) => t.ID).sort()).toEqual(before.map((t) => t.ID).sort());
    // A few passes of the new leader's loop: still the same four containers.
    await new Promise((r) => setTimeout(r, 1500));
    expect(containers()).toBe(4);
    const svc = await call<{ Version: { Index: number }; Spec: Record<string, unknown> }>(
      baseB,
      'GET',
      '/v1.41/services/ha',
    );
    const scaled = await call(baseB, 'POST', `/v1.41/services/ha/update?version=${svc.body.Version.Index}`, {
      ...svc.body.Spec,
      Mode: { Replicated: { Replicas: 6 } },
    });
    expect(scaled.status, scaled.text).toBe(200);
    const six = await runningTasks(baseB, 6);
    expect(six.map((t) => t.Slot).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(containers()).toBe(6);
  });
});
