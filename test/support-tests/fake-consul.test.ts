// The fake Consul, checked against Consul's documented semantics through the real `consul` client.
import { EventEmitter } from 'node:events';
import Consul from 'consul';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConsul } from '../support/fake-consul.js';

let fake: FakeConsul;
let consul: Consul;

beforeEach(async () => {
  fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 1 });
  await fake.start();
  consul = new Consul({ host: '127.0.0.1', port: fake.port });
});
afterEach(async () => {
  await fake.close();
});

/** A call that also returns the HTTP response (for X-Consul-Index). */
function withResponse<T>(
  call: (ctx: EventEmitter) => Promise<unknown>,
): Promise<[{ headers: Record<string, string> }, T]> {
  const ctx = Object.assign(new EventEmitter(), { includeResponse: true });
  return call(ctx) as Promise<[{ headers: Record<string, string> }, T]>;
}

/**
 * kv.set/del with the boolean Consul answered: the client (papi) turns a JSON `false` body into
 * `undefined` unless the response is included, so read it from the [response, body] pair.
 */
async function put(opts: Record<string, unknown>): Promise<unknown> {
  const [, body] = await withResponse((ctx) => consul.kv.set({ ...opts, ctx } as never));
  return body;
}
async function del(opts: Record<string, unknown>): Promise<unknown> {
  const [, body] = await withResponse((ctx) => consul.kv.del({ ...opts, ctx } as never));
  return body;
}

describe('KV', () => {
  it('stores values with flags and indexes; keys and recurse list a prefix', async () => {
    expect(await consul.kv.set({ key: 'p/a', value: 'one', flags: 7 })).toBe(true);
    await consul.kv.set('p/b/c', 'two');
    const a = await consul.kv.get('p/a');
    expect(a).toMatchObject({ Key: 'p/a', Value: 'one', Flags: 7 });
    expect(a?.ModifyIndex).toBeGreaterThan(0);
    expect((await consul.kv.keys('p/')).sort()).toEqual(['p/a', 'p/b/c']);
    expect(await consul.kv.keys({ key: 'p/', separator: '/' })).toEqual(['p/a', 'p/b/']);
    const all = (await consul.kv.get({ key: 'p/', recurse: true })) as { Key: string }[];
    expect(all.map((e) => e.Key)).toEqual(['p/a', 'p/b/c']);
    expect(await consul.kv.get('nope')).toBeUndefined();
  });

  it('check-and-set: cas=0 creates only, a stale ModifyIndex fails', async () => {
    expect(await consul.kv.set({ key: 'c', value: '1', cas: 0 })).toBe(true);
    expect(await put({ key: 'c', value: '2', cas: 0 })).toBe(false);
    const first = await consul.kv.get('c');
    expect(await consul.kv.set({ key: 'c', value: '3', cas: first?.ModifyIndex })).toBe(true);
    expect(await put({ key: 'c', value: '4', cas: first?.ModifyIndex })).toBe(false);
    expect((await consul.kv.get('c'))?.Value).toBe('3');
    expect(await del({ key: 'c', cas: 1 })).toBe(false);
  });

  it('blocking queries wait for a change past the index, or time out with the same index', async () => {
    await consul.kv.set('w/x', '1');
    const [res] = await withResponse((ctx) => consul.kv.get({ key: 'w/', recurse: true, ctx } as never));
    const index = res.headers['x-consul-index'];
    const t0 = Date.now();
    const timedOut = await withResponse((ctx) =>
      consul.kv.get({ key: 'w/', recurse: true, index, wait: '300ms', ctx } as never),
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(timedOut[0].headers['x-consul-index']).toBe(index);
    const pending = withResponse<{ Key: string }[]>((ctx) =>
      consul.kv.get({ key: 'w/', recurse: true, index, wait: '5s', ctx } as never),
    );
    await new Promise((r) => setTimeout(r, 50));
    await consul.kv.set('w/y', '2');
    const [after, data] = await pending;
    expect(Number(after.headers['x-consul-index'])).toBeGreaterThan(Number(index));
    expect(data.map((e) => e.Key)).toEqual(['w/x', 'w/y']);
    // A delete under the prefix also wakes the query.
    const pendingDelete = withResponse((ctx) =>
      consul.kv.get({
        key: 'w/',
        recurse: true,
        index: after.headers['x-consul-index'],
        wait: '5s',
        ctx,
      } as never),
    );
    await consul.kv.del('w/x');
    const [deleted] = await pendingDelete;
    expect(Number(deleted.headers['x-consul-index'])).toBeGreaterThan(
      Number(after.headers['x-consul-index']),
    );
  });
});

/** PUT /v1/txn through the client: the status and decoded body, whether Consul applied it (200) or not. */
async function txn(client: Consul, ops: unknown[]): Promise<[number, unknown]> {
  try {
    const [res, body] = await withResponse<unknown>((ctx) =>
      client.transaction.create(ops as never, { ctx } as never),
    );
    return [(res as unknown as { statusCode: number }).statusCode, body];
  } catch (err) {
    const e = err as { statusCode?: number; response?: { body?: unknown } };
    if (e.statusCode === undefined) throw err;
    return [e.statusCode, e.response?.body];
  }
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const kvOp = (Verb: string, Key: string, more: { Value?: string; Index?: number } = {}) => ({
  KV: { Verb, Key, ...more, ...(more.Value === undefined ? {} : { Value: b64(more.Value) }) },
});

describe('transactions', () => {
  it('applies KV operations together at one index, waking a blocking query', async () => {
    await consul.kv.set('t/c', 'gone soon');
    const [res] = await withResponse((ctx) => consul.kv.get({ key: 't/', recurse: true, ctx } as never));
    const index = res.headers['x-consul-index'];
    const pending = withResponse((ctx) =>
      consul.kv.get({ key: 't/', recurse: true, index, wait: '5s', ctx } as never),
    );
    const [status, body] = await txn(consul, [
      kvOp('set', 't/a', { Value: 'one' }),
      kvOp('cas', 't/b', { Value: 'two', Index: 0 }),
      kvOp('delete', 't/c'),
    ]);
    expect(status).toBe(200);
    const { Results, Errors } = body as { Results: { KV: Record<string, unknown> }[]; Errors: unknown };
    expect(Errors).toBeNull();
    // One result per set or cas, without the value; none for a delete.
    expect(Results.map((r) => [r.KV['Key'], r.KV['Value']])).toEqual([
      ['t/a', null],
      ['t/b', null],
    ]);
    const a = await consul.kv.get('t/a');
    const b = await consul.kv.get('t/b');
    expect([a?.Value, b?.Value]).toEqual(['one', 'two']);
    expect(a?.ModifyIndex).toBe(b?.ModifyIndex);
    expect(Results[0]?.KV['ModifyIndex']).toBe(a?.ModifyIndex);
    expect(await consul.kv.get('t/c')).toBeUndefined();
    const [woken] = await pending;
    expect(Number(woken.headers['x-consul-index'])).toBe(a?.ModifyIndex);
  });

  it('rolls back when any operation fails, naming every failed one in Consul’s words', async () => {
    await consul.kv.set('t/x', '1');
    const x = await consul.kv.get('t/x');
    const stale = (x?.ModifyIndex ?? 0) + 100;
    const [status, body] = await txn(consul, [
      kvOp('set', 't/new', { Value: 'n' }),
      kvOp('cas', 't/x', { Value: '2', Index: stale }),
      kvOp('check-index', 't/missing', { Index: 1 }),
      kvOp('delete-cas', 't/x', { Index: stale }),
      kvOp('check-not-exists', 't/x'),
    ]);
    expect(status).toBe(409);
    expect(body).toEqual({
      Results: null,
      Errors: [
        { OpIndex: 1, What: 'failed to set key "t/x", index is stale' },
        { OpIndex: 2, What: 'failed to check index, key "t/missing" doesn\'t exist' },
        { OpIndex: 3, What: 'failed to delete key "t/x", index is stale' },
        { OpIndex: 4, What: 'key "t/x" exists' },
      ],
    });
    expect(await consul.kv.get('t/new')).toBeUndefined();
    expect(await consul.kv.get('t/x')).toMatchObject({ Value: '1', ModifyIndex: x?.ModifyIndex });
    // Operations see the ones before them; delete-cas of an absent key succeeds (Consul's rule).
    const [seen, seenBody] = await txn(consul, [
      kvOp('cas', 't/y', { Value: 'y', Index: 0 }),
      kvOp('check-not-exists', 't/y'),
    ]);
    expect([seen, (seenBody as { Errors: unknown }).Errors]).toEqual([
      409,
      [{ OpIndex: 1, What: 'key "t/y" exists' }],
    ]);
    expect((await txn(consul, [kvOp('delete-cas', 't/absent', { Index: 7 })]))[0]).toBe(200);
  });

  it('refuses more than 64 operations with 413 before running any of them', async () => {
    const ops = (n: number) => Array.from({ length: n }, (_, i) => kvOp('set', `many/${i}`, { Value: 'v' }));
    expect(await txn(consul, ops(65))).toEqual([413, 'Transaction contains too many operations (65 > 64)']);
    expect(await consul.kv.keys('many/').catch(() => [])).toEqual([]);
    expect((await txn(consul, ops(64)))[0]).toBe(200);
    expect(await consul.kv.keys('many/')).toHaveLength(64);
  });
});

describe('sessions and locks', () => {
  it('one holder at a time; release; destroy with behaviour delete removes the key', async () => {
    const s1 = await consul.session.create({ ttl: '10s', behavior: 'delete' } as never);
    const s2 = await consul.session.create({ ttl: '10s' });
    expect(await consul.kv.set({ key: 'lock', value: 'a', acquire: s1.ID })).toBe(true);
    expect(await put({ key: 'lock', value: 'b', acquire: s2.ID })).toBe(false);
    expect((await consul.kv.get('lock'))?.LockIndex).toBe(1);
    expect(await put({ key: 'lock', value: 'a', release: s2.ID })).toBe(false);
    await consul.session.destroy(s1.ID);
    expect(await consul.kv.get('lock')).toBeUndefined();
  });

  it('a session not renewed expires: behaviour release frees its lock after the lock-delay', async () => {
    const s = await consul.session.create({ ttl: '1s', behavior: 'release', lockdelay: '500ms' } as never);
    await consul.kv.set({ key: 'leader', value: 'me', acquire: s.ID });
    await new Promise((r) => setTimeout(r, 600));
    expect(await consul.session.renew(s.ID)).toBeDefined();
    await new Promise((r) => setTimeout(r, 600));
    expect((await consul.kv.get('leader')) as unknown as { Session?: string }).toMatchObject({
      Session: s.ID,
    });
    await new Promise((r) => setTimeout(r, 700));
    const after = (await consul.kv.get('leader')) as unknown as { Session?: string; Value: string };
    expect(after.Session).toBeUndefined();
    expect(after.Value).toBe('me');
    await expect(consul.session.renew(s.ID)).rejects.toThrow();
    const other = await consul.session.create({ ttl: '10s' });
    expect(await put({ key: 'leader', value: 'you', acquire: other.ID })).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(await consul.kv.set({ key: 'leader', value: 'you', acquire: other.ID })).toBe(true);
  });

  it("refuses a TTL under the server's minimum", async () => {
    await expect(consul.session.create({ ttl: '100ms' })).rejects.toThrow(/Invalid Session TTL/);
  });
});

describe('session expiry', () => {
  it('behaviour delete removes the held keys when the TTL passes without renewal', async () => {
    const s = await consul.session.create({ ttl: '1s', behavior: 'delete', lockdelay: '0s' } as never);
    expect(await put({ key: 'nodes/a', value: 'a', acquire: s.ID })).toBe(true);
    const [res] = await withResponse((ctx) => consul.kv.get({ key: 'nodes/', recurse: true, ctx } as never));
    const index = res.headers['x-consul-index'];
    // A blocking query on the directory wakes when the key goes.
    const t0 = Date.now();
    const [after, body] = await withResponse<unknown>((ctx) =>
      consul.kv.get({ key: 'nodes/', recurse: true, index, wait: '5s', ctx } as never),
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(body).toBeUndefined();
    expect(Number(after.headers['x-consul-index'])).toBeGreaterThan(Number(index));
    await expect(consul.session.info(s.ID)).resolves.toBeUndefined();
  });
});

describe('catalog and health', () => {
  it('a blocking health query wakes when a check turns passing', async () => {
    await consul.agent.service.register({
      name: 'docker',
      id: 'd2',
      address: '198.18.0.11',
      port: 2375,
      check: { ttl: '5s' },
    } as never);
    const [res] = await withResponse((ctx) =>
      consul.health.service({ service: 'docker', passing: true, ctx } as never),
    );
    const index = res.headers['x-consul-index'];
    const pending = withResponse<unknown[]>((ctx) =>
      consul.health.service({ service: 'docker', passing: true, index, wait: '5s', ctx } as never),
    );
    await new Promise((r) => setTimeout(r, 50));
    await consul.agent.check.pass('service:d2');
    const [, list] = await pending;
    expect(list).toHaveLength(1);
  });

  it('lists a service, and only passing instances with ?passing; a TTL check not passed turns critical', async () => {
    await consul.agent.service.register({
      name: 'docker',
      id: 'docker-1',
      address: '198.18.0.10',
      port: 2375,
      check: { ttl: '1s' },
    } as never);
    expect((await consul.catalog.service.nodes('docker')) as unknown[]).toHaveLength(1);
    expect((await consul.health.service({ service: 'docker', passing: true })) as unknown[]).toHaveLength(0);
    await consul.agent.check.pass('service:docker-1');
    const passing = (await consul.health.service({ service: 'docker', passing: true })) as {
      Service: { Address: string; Port: number };
    }[];
    expect(passing.map((e) => `${e.Service.Address}:${e.Service.Port}`)).toEqual(['198.18.0.10:2375']);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await consul.health.service({ service: 'docker', passing: true })) as unknown[]).toHaveLength(0);
    await consul.agent.service.deregister('docker-1');
    expect((await consul.catalog.service.nodes('docker')) as unknown[]).toHaveLength(0);
  });
});

describe('ACL', () => {
  it('answers 403 without the token', async () => {
    const locked = new FakeConsul({ aclToken: 'secret' });
    await locked.start();
    try {
      const anon = new Consul({ host: '127.0.0.1', port: locked.port });
      await expect(anon.kv.get('x')).rejects.toThrow(/Permission denied/);
      const ok = new Consul({ host: '127.0.0.1', port: locked.port, defaults: { token: 'secret' } });
      expect(await ok.kv.set('x', '1')).toBe(true);
      const ops = [kvOp('set', 'y', { Value: '2' })];
      expect(await txn(anon, ops)).toEqual([403, 'Permission denied']);
      expect(await ok.kv.get('y')).toBeUndefined();
      expect((await txn(ok, ops))[0]).toBe(200);
    } finally {
      await locked.close();
    }
  });
});
