// Typed engine operations against an engine over HTTP: the cache shows each change when the call returns,
// errors arrive as kinds, and every outcome counts for the engine's health.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { kindOfEngineError } from '../../src/engine/errors.js';
import { fakeCluster, type FakeCluster } from '../support/cluster.js';

let c: FakeCluster;
let engine: Engine;
beforeAll(async () => {
  c = await fakeCluster([{ images: ['busybox:local'] }]);
  const e = c.manager.pool.engine('node-0');
  if (!e) throw new Error('no engine');
  engine = e;
});
afterAll(() => c.stop());

const kindOf = (p: Promise<unknown>) => p.then(() => 'resolved', kindOfEngineError);

it('create, start, stop, kill and remove show in the cache as soon as they return', async () => {
  const created = await engine.ops.createContainer({ name: 'op1', body: { Image: 'busybox:local' } });
  expect(created.status).toBe(201);
  expect(engine.containers.get(created.id)?.state).toBe('created');
  await engine.ops.startContainer(created.id);
  expect(engine.containers.get(created.id)?.detail.State.Running).toBe(true);
  expect(await kindOf(engine.ops.removeContainer(created.id))).toBe('conflict');
  await engine.ops.stopContainer(created.id, 0);
  expect(engine.containers.get(created.id)?.detail.State.Running).toBe(false);
  // Stopping a stopped container is not an error (304), as for the Docker CLI.
  expect(await kindOf(engine.ops.stopContainer(created.id, 0))).toBe('resolved');
  expect(await kindOf(engine.ops.killContainer(created.id))).toBe('notRunning');
  await engine.ops.removeContainer(created.id, { force: true });
  expect(engine.containers.get(created.id)).toBeUndefined();
  expect(await kindOf(engine.ops.inspectContainer(created.id))).toBe('noSuchContainer');
});

it('a pull is in the image list when it returns; a refused pull is a missing image', async () => {
  await engine.ops.pullImage('other:2');
  expect(engine.lists.images.some((i) => (i.RepoTags ?? []).includes('other:2'))).toBe(true);
  c.engines[0]!.pullMode = 'denied';
  try {
    expect(await kindOf(engine.ops.pullImage('nope:1'))).toBe('noSuchImage');
  } finally {
    c.engines[0]!.pullMode = 'ok';
  }
});

it('network create and remove update the network list; a missing one is its own kind', async () => {
  const id = await engine.ops.createNetwork({ Name: 'opnet', Driver: 'bridge' });
  expect(engine.lists.networks.some((n) => n.Id === id)).toBe(true);
  await engine.ops.removeNetwork(id);
  expect(engine.lists.networks.some((n) => n.Id === id)).toBe(false);
  expect(await kindOf(engine.ops.removeNetwork(id))).toBe('noSuchNetwork');
});

it('an engine that cannot be reached is unreachable, and the failure counts against its health', async () => {
  const fake = c.engines[0]!;
  await fake.stop();
  try {
    expect(await kindOf(engine.ops.inspectContainer('x'))).toBe('unreachable');
    expect(engine.health.failureCount).toBeGreaterThan(0);
  } finally {
    await fake.start();
  }
});
