// The fake engine refuses what Docker 20.10 refuses, with its status and text, on the endpoints it serves.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ENGINE_REFUSALS } from '../support/engine-refusals.js';
import { FakeEngine } from '../support/fake-engine.js';

let fake: FakeEngine;
beforeAll(async () => {
  fake = new FakeEngine({ name: 'node-0' });
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});

it.each(ENGINE_REFUSALS.map((r) => [`${r.method} ${r.path} ${(r.body ?? '').slice(0, 60)}`, r] as const))(
  '%s',
  async (_name, r) => {
    const res = await fetch(`http://${fake.addr}/v1.41${r.path}`, {
      method: r.method,
      headers: r.body === undefined ? {} : { 'content-type': r.contentType ?? 'application/json' },
      body: r.body,
    });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: r.status,
      body: { message: r.message },
    });
    expect(fake.containers.size + fake.networks.size + fake.volumes.volumes.size).toBe(0);
  },
);

it('creates what the engine creates: an anonymous volume for a null body, a container for a string Cmd', async () => {
  const v = await fetch(`http://${fake.addr}/volumes/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: 'null',
  });
  expect(v.status).toBe(201);
  const c = await fetch(`http://${fake.addr}/containers/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"Image":"busybox:local","Cmd":"sh"}',
  });
  expect(c.status).toBe(201);
  expect(fake.volumes.volumes.size).toBe(1);
  expect([...fake.containers.values()][0]?.Cmd).toEqual(['sh']);
});
