// Rolling updates and rollback through the API, with fake engines: UpdateStatus as the engine sets it, the
// `_up-to-date` filter, Parallelism and Order kept, a failing update paused then rolled back, FailureAction
// rollback, the engine's errors for ?rollback= and ?registryAuthFrom=, and a new manager finishing an update.
import { afterEach, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { FakeEngine } from '../support/fake-engine.js';
import { call } from '../support/http.js';
import { tempStore, type TempStore } from '../support/temp-store.js';
import { waitFor } from '../support/wait.js';

let engines: FakeEngine[] = [];
let managers: Manager[] = [];
let store: TempStore | undefined;

afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  await Promise.all(engines.map((e) => e.stop()));
  store?.remove();
  managers = [];
  engines = [];
  store = undefined;
});

interface TaskJson {
  ID: string;
  Slot?: number;
  DesiredState: string;
  Spec: { ContainerSpec: { Image: string } };
  Status: { State: string; Err?: string };
}

interface ServiceJson {
  ID: string;
  Version: { Index: number };
  Spec: Record<string, unknown>;
  PreviousSpec?: Record<string, unknown>;
  UpdateStatus?: { State: string; StartedAt?: string; CompletedAt?: string; Message?: string };
}

const MS = 1e6;

/** Three fake engines that have busybox:local and busybox:other, and refuse to pull anything else. */
async function manage(): Promise<string> {
  setLogSink(process.env['SHOAL_TEST_LOG'] ? (l) => process.stderr.write(l + '\n') : () => undefined);
  if (engines.length === 0) {
    engines = [0, 1, 2].map(
      (i) => new FakeEngine({ name: `node-${i}`, images: ['busybox:local', 'busybox:other'] }),
    );
    await Promise.all(engines.map((e) => e.start()));
    for (const e of engines) e.pullMode = 'denied';
    store = tempStore();
  }
  const manager = await startManager(
    parseManageArgs([
      '-H',
      'tcp://127.0.0.1:0',
      '--engine-refresh-min-interval',
      '1s',
      '--engine-refresh-max-interval',
      '1s',
      '--network-pool',
      '198.19.96.0/19',
      ...(store?.args ?? []),
      engines.map((e) => e.addr).join(','),
    ]),
  );
  managers.push(manager);
  await waitFor('engines healthy', () => manager.pool.healthy().length === engines.length);
  return (manager.urls()[0] ?? '').replace('tcp://', 'http://');
}

function spec(replicas: number, update: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    Name: 'web',
    TaskTemplate: {
      ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '1000'] },
      RestartPolicy: { Condition: 'any', Delay: 200 * MS },
    },
    Mode: { Replicated: { Replicas: replicas } },
    UpdateConfig: update,
    ...extra,
  };
}

async function inspect(base: string): Promise<ServiceJson> {
  const r = await call<ServiceJson>(base, 'GET', '/v1.41/services/web');
  expect(r.status, r.text).toBe(200);
  return r.body;
}

async function tasks(base: string, upToDate = false): Promise<TaskJson[]> {
  const f = { service: { web: true }, ...(upToDate ? { '_up-to-date': { true: true } } : {}) };
  const r = await call<TaskJson[]>(
    base,
    'GET',
    `/v1.41/tasks?filters=${encodeURIComponent(JSON.stringify(f))}`,
  );
  return r.body;
}

/** Tasks meant to run that run, by image. */
async function runningImages(base: string): Promise<string[]> {
  return (await tasks(base))
    .filter((t) => t.DesiredState === 'running' && t.Status.State === 'running')
    .map((t) => t.Spec.ContainerSpec.Image)
    .sort();
}

async function create(base: string, body: Record<string, unknown>, replicas: number): Promise<void> {
  const made = await call(base, 'POST', '/v1.41/services/create', body);
  expect(made.status, made.text).toBe(201);
  await waitFor(`${replicas} running`, async () => (await runningImages(base)).length === replicas);
}

/** `docker service update` as the CLI sends it: the whole spec, changed, at the current version. */
async function post(
  base: string,
  change: (spec: Record<string, unknown>) => Record<string, unknown>,
  query = 'registryAuthFrom=spec',
) {
  const cur = await inspect(base);
  return call<{ message?: string; Warnings?: null }>(
    base,
    'POST',
    `/v1.41/services/${cur.ID}/update?${query ? `${query}&` : ''}version=${cur.Version.Index}`,
    change(cur.Spec),
  );
}

const withImage = (image: string) => (s: Record<string, unknown>) => {
  const t = s['TaskTemplate'] as Record<string, unknown>;
  return { ...s, TaskTemplate: { ...t, ContainerSpec: { ...(t['ContainerSpec'] as object), Image: image } } };
};

function status(base: string, state: string, timeoutMs = 15_000): Promise<ServiceJson> {
  return waitFor(
    `UpdateStatus ${state}`,
    async () => {
      const s = await inspect(base);
      return s.UpdateStatus?.State === state ? s : undefined;
    },
    timeoutMs,
    50,
  );
}

describe('docker service update', () => {
  it('replaces the tasks two at a time, "updating" then "completed", new tasks up to date, old ones history', async () => {
    const base = await manage();
    await create(base, spec(4, { Parallelism: 2, Delay: 300 * MS, Monitor: 500 * MS }), 4);
    const before = await inspect(base);
    expect(before.UpdateStatus).toBeUndefined();
    const r = await post(base, withImage('busybox:other'));
    expect([r.status, r.body]).toEqual([200, { Warnings: null }]);
    // Never more than two slots out at once.
    const seen: string[] = [];
    let lowest = 4;
    const done = await waitFor(
      'update completed',
      async () => {
        const s = await inspect(base);
        if (s.UpdateStatus) seen.push(`${s.UpdateStatus.State}: ${s.UpdateStatus.Message}`);
        lowest = Math.min(lowest, (await runningImages(base)).length);
        return s.UpdateStatus?.State === 'completed' ? s : undefined;
      },
      15_000,
      30,
    );
    expect(lowest).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toBe('updating: update in progress');
    expect(done.UpdateStatus).toMatchObject({ State: 'completed', Message: 'update completed' });
    expect(Object.keys(done.UpdateStatus ?? {})).toEqual(['State', 'StartedAt', 'CompletedAt', 'Message']);
    expect(Date.parse(done.UpdateStatus?.CompletedAt ?? '')).toBeGreaterThan(
      Date.parse(done.UpdateStatus?.StartedAt ?? ''),
    );
    expect(done.Version.Index).toBeGreaterThan(before.Version.Index);
    expect(await runningImages(base)).toEqual(Array(4).fill('busybox:other'));
    const fresh = await tasks(base, true);
    expect(fresh.every((t) => t.Spec.ContainerSpec.Image === 'busybox:other')).toBe(true);
    const old = (await tasks(base)).filter((t) => t.Spec.ContainerSpec.Image === 'busybox:local');
    expect(old.map((t) => [t.DesiredState, t.Status.State])).toEqual(Array(4).fill(['shutdown', 'shutdown']));
    // A scale is no update: UpdateStatus goes, and none comes.
    const scaled = await post(base, (s) => ({ ...s, Mode: { Replicated: { Replicas: 5 } } }), '');
    expect(scaled.status, scaled.body.message).toBe(200);
    await waitFor('5 running', async () => (await runningImages(base)).length === 5);
    await new Promise((r) => setTimeout(r, 300));
    expect((await inspect(base)).UpdateStatus).toBeUndefined();
  });

  it('start-first: the count never drops below the replicas', async () => {
    const base = await manage();
    await create(base, spec(3, { Parallelism: 1, Order: 'start-first', Monitor: 300 * MS }), 3);
    await post(base, withImage('busybox:other'));
    let lowest = 3;
    await waitFor(
      'update completed',
      async () => {
        lowest = Math.min(lowest, (await runningImages(base)).length);
        return (await inspect(base)).UpdateStatus?.State === 'completed';
      },
      15_000,
      20,
    );
    expect(lowest).toBe(3);
    expect(await runningImages(base)).toEqual(Array(3).fill('busybox:other'));
  });

  it('a failing update pauses, naming the task; ?rollback=previous brings the previous spec back', async () => {
    const base = await manage();
    await create(base, spec(3, { Parallelism: 1, FailureAction: 'pause', Monitor: 1000 * MS }), 3);
    const none = await post(base, (s) => s, 'rollback=previous');
    const id = (await inspect(base)).ID;
    expect([none.status, none.body.message]).toEqual([
      400,
      `rpc error: code = FailedPrecondition desc = service ${id} does not have a previous spec`,
    ]);
    await post(base, withImage('busybox:missing'));
    const paused = await status(base, 'paused');
    // The message names the task that failed; by the time it is read its slot may hold another task on the
    // same image (the restart policy replaced it), so it is one of those, and it did fail.
    const named = /^update paused due to failure or early termination of task (\w+)$/.exec(
      paused.UpdateStatus?.Message ?? '',
    )?.[1];
    const onMissing = (await tasks(base)).filter((t) => t.Spec.ContainerSpec.Image === 'busybox:missing');
    const failed = onMissing.find((t) => t.ID === named);
    expect(failed, paused.UpdateStatus?.Message).toBeDefined();
    expect(['failed', 'rejected']).toContain(failed?.Status.State);
    expect(await runningImages(base)).toEqual(['busybox:local', 'busybox:local']);
    // The engine's answers to options it does not know.
    const bad = await post(base, (s) => s, 'rollback=sideways');
    expect([bad.status, bad.body.message]).toEqual([500, 'unrecognized rollback option sideways']);
    const auth = await post(base, (s) => s, 'registryAuthFrom=elsewhere');
    expect([auth.status, auth.body.message]).toEqual([500, 'unsupported registryAuthFrom value']);
    // `docker service rollback`: the current spec in the body, rollback=previous.
    const back = await post(base, (s) => s, 'rollback=previous');
    expect(back.status, back.body.message).toBe(200);
    const started = await inspect(base);
    expect(started.UpdateStatus).toMatchObject({
      State: 'rollback_started',
      Message: 'manually requested rollback',
    });
    expect((started.Spec['TaskTemplate'] as { ContainerSpec: { Image: string } }).ContainerSpec.Image).toBe(
      'busybox:local',
    );
    expect(
      (started.PreviousSpec?.['TaskTemplate'] as { ContainerSpec: { Image: string } }).ContainerSpec.Image,
    ).toBe('busybox:missing');
    const rolled = await status(base, 'rollback_completed');
    expect(rolled.UpdateStatus?.Message).toBe('rollback completed');
    await waitFor('three running', async () => (await runningImages(base)).length === 3);
    expect(await runningImages(base)).toEqual(Array(3).fill('busybox:local'));
  });

  it('FailureAction rollback: back by itself, "rollback completed", no PreviousSpec after', async () => {
    const base = await manage();
    await create(base, spec(2, { Parallelism: 1, FailureAction: 'rollback', Monitor: 1000 * MS }), 2);
    await post(base, withImage('busybox:missing'));
    const started = await status(base, 'rollback_started');
    expect(started.UpdateStatus?.Message).toMatch(
      /^update rolled back due to failure or early termination of task [0-9a-z]{25}$/,
    );
    expect(started.PreviousSpec).toBeUndefined();
    await status(base, 'rollback_completed');
    await waitFor('two running', async () => (await runningImages(base)).length === 2);
    expect(await runningImages(base)).toEqual(['busybox:local', 'busybox:local']);
  });

  it('a new manager on the same store finishes the update the first one began', async () => {
    const base = await manage();
    await create(base, spec(3, { Parallelism: 1, Delay: 1500 * MS, Monitor: 300 * MS }), 3);
    await post(base, withImage('busybox:other'));
    await waitFor('a slot updated', async () => (await runningImages(base)).includes('busybox:other'));
    const during = await inspect(base);
    expect(during.UpdateStatus?.State).toBe('updating');
    await managers[0]?.stop();
    managers = [];
    const next = await manage();
    const done = await status(next, 'completed', 15_000);
    expect(done.UpdateStatus?.StartedAt).toBe(during.UpdateStatus?.StartedAt);
    await waitFor('three running', async () => (await runningImages(next)).length === 3);
    expect(await runningImages(next)).toEqual(Array(3).fill('busybox:other'));
    // One task per slot, made once: no slot was done twice.
    const made = (await tasks(next)).filter((t) => t.Spec.ContainerSpec.Image === 'busybox:other');

    expect(made.map((t) => t.Slot).sort()).toEqual([1, 2, 3]);
  });
});
