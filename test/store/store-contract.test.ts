// One contract, run against every store backend: versions, compare-and-set, lists by prefix, the write gate,
// batches.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreReadOnlyError, StoreUnavailableError } from '../../src/store/errors.js';
import { FileStore } from '../../src/store/file-store.js';
import { openStore } from '../../src/store/index.js';
import { scopedStore } from '../../src/store/scoped.js';
import type { Store, StoreOp } from '../../src/store/store.js';
import { updateRecord } from '../../src/store/update.js';
import { FakeConsul } from '../support/fake-consul.js';

interface Backend {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
  /** Changes committed so far: rewrites of the file, transactions in Consul. */
  commits(): number;
  /** How many commits a batch of n operations takes. */
  commitsFor(n: number): number;
}

function fileBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-store-'));
  // persist is the one place the file store writes its file.
  const persist = vi.spyOn(FileStore.prototype as unknown as { persist(): Promise<void> }, 'persist');
  return {
    open: () => openStore(`file://${join(dir, 'state.json')}`),
    cleanup: () => {
      persist.mockRestore();
      return Promise.resolve(rmSync(dir, { recursive: true, force: true }));
    },
    commits: () => persist.mock.calls.length,
    commitsFor: () => 1,
  };
}

function consulBackend(): Backend {
  const fake = new FakeConsul();
  let started: Promise<void> | undefined;
  return {
    async open() {
      started ??= fake.start();
      await started;
      return openStore(`consul://${fake.addr}/test/prefix`);
    },
    cleanup: () => fake.close(),
    commits: () => fake.requests.filter((r) => r.method === 'PUT' && r.path === '/v1/txn').length,
    commitsFor: (n) => Math.ceil(n / 64),
  };
}

/** One cluster's part of a file store: every call goes through the key prefix. */
function scopedBackend(): Backend {
  const file = fileBackend();
  return { ...file, open: async () => scopedStore(await file.open(), 'c1') };
}

const backends: [string, () => Backend][] = [
  ['file', fileBackend],
  ['consul', consulBackend],
  ['scoped file', scopedBackend],
];

describe.each(backends)('%s store', (_name, make) => {
  let backend: Backend;
  let store: Store;
  beforeEach(async () => {
    backend = make();
    store = await backend.open();
  });
  afterEach(async () => {
    await store.close();
    await backend.cleanup();
  });

  it('reads back what it wrote, as a copy, with a version that moves on every write', async () => {
    expect(await store.read('networks/a')).toBeUndefined();
    const value = { name: 'a', parts: { e1: '198.19.0.0/24' } };
    expect(await store.write('networks/a', value)).toBe(true);
    value.name = 'changed';
    const first = await store.read('networks/a');
    expect(first?.value).toEqual({ name: 'a', parts: { e1: '198.19.0.0/24' } });
    expect(first?.version).toBeGreaterThan(0);
    expect(await store.write('networks/a', { name: 'b' })).toBe(true);
    const second = await store.read('networks/a');
    expect(second?.value).toEqual({ name: 'b' });
    expect(second?.version).toBeGreaterThan(first?.version ?? 0);
  });

  it('compare-and-set: 0 means absent, a stale version loses', async () => {
    expect(await store.write('k/x', 1, 0)).toBe(true);
    expect(await store.write('k/x', 2, 0)).toBe(false);
    const v = (await store.read('k/x'))?.version ?? -1;
    expect(await store.write('k/x', 3, v)).toBe(true);
    expect(await store.write('k/x', 4, v)).toBe(false);
    expect((await store.read('k/x'))?.value).toBe(3);
    const now = (await store.read('k/x'))?.version ?? -1;
    expect(await store.delete('k/x', v)).toBe(false);
    expect(await store.delete('k/x', now)).toBe(true);
    expect(await store.read('k/x')).toBeUndefined();
    expect(await store.delete('k/x')).toBe(true);
  });

  it('lists by prefix, in key order, and not the keys of a longer prefix', async () => {
    await store.write('networks/b', { n: 'b' });
    await store.write('networks/a', { n: 'a' });
    await store.write('networksx/c', { n: 'c' });
    await store.write('reschedule/s1', { s: 1 });
    const listed = await store.list('networks/');
    expect(listed.map((e) => [e.key, e.value])).toEqual([
      ['networks/a', { n: 'a' }],
      ['networks/b', { n: 'b' }],
    ]);
    expect(listed.every((e) => e.version > 0)).toBe(true);
    expect((await store.list('')).map((e) => e.key)).toEqual([
      'networks/a',
      'networks/b',
      'networksx/c',
      'reschedule/s1',
    ]);
  });

  it('refuses writes and deletes while not writable, and reads on', async () => {
    await store.write('k/y', 'v');
    let leader = false;
    store.setWritable(() => leader);
    await expect(store.write('k/y', 'w')).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(store.delete('k/y')).rejects.toBeInstanceOf(StoreReadOnlyError);
    expect((await store.read('k/y'))?.value).toBe('v');
    leader = true;
    expect(await store.write('k/y', 'w')).toBe(true);
  });

  it('keeps what it holds across a reopen', async () => {
    await store.write('networks/keep', { subnet: '198.19.1.0/24' });
    await store.close();
    store = await backend.open();
    expect((await store.read('networks/keep'))?.value).toEqual({ subnet: '198.19.1.0/24' });
    expect(store.describe()).toMatch(
      /^(file .+state\.json \(1 records\)(, cluster c1)?|consul 127\.0\.0\.1:\d+ test\/prefix\/shoal\/state)$/,
    );
  });

  it('updateRecord applies a change with compare-and-set, concurrently without losing any', async () => {
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        updateRecord<{ seen: number[] }>(store, 'counter/x', (cur) => ({
          seen: [...(cur?.seen ?? []), i],
        })),
      ),
    );
    const seen = ((await store.read('counter/x'))?.value as { seen: number[] }).seen;
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await updateRecord(store, 'counter/x', () => undefined)).toBeUndefined();
    expect(await store.read('counter/x')).toBeUndefined();
  });

  it('writeMany: writes and deletes land together, in one commit, each write at a new version', async () => {
    await store.write('tasks/old', { state: 'running' });
    await store.write('tasks/gone', { state: 'shutdown' });
    const old = await store.read('tasks/old');
    const before = backend.commits();
    const ops: StoreOp[] = [
      { key: 'tasks/new', value: { state: 'running' }, expectedVersion: 0 },
      { key: 'tasks/old', value: { state: 'shutdown' }, expectedVersion: old?.version ?? -1 },
      { key: 'tasks/gone', delete: true },
      { key: 'tasks/never', delete: true },
    ];
    expect(await store.writeMany(ops)).toBe(true);
    expect(backend.commits() - before).toBe(1);
    const listed = await store.list('tasks/');
    expect(listed.map((e) => [e.key, e.value])).toEqual([
      ['tasks/new', { state: 'running' }],
      ['tasks/old', { state: 'shutdown' }],
    ]);
    expect(listed.every((e) => e.version > (old?.version ?? Infinity))).toBe(true);
    expect(await store.writeMany([])).toBe(true);
    expect(backend.commits() - before).toBe(1);
  });

  it('writeMany: one failed expectation and nothing is written', async () => {
    await store.write('b/x', 'x1');
    await store.write('b/y', 'y1');
    await store.write('b/z', 'z1');
    const before = await store.list('b/');
    const y = before[1]?.version ?? -1;
    const stale = Math.max(...before.map((e) => e.version)) + 100;
    const failing: StoreOp[] = [
      { key: 'b/x', value: 'x2', expectedVersion: 0 }, // 0: must not exist, and it does
      { key: 'b/y', value: 'y2', expectedVersion: stale },
      { key: 'b/y', delete: true, expectedVersion: stale },
      { key: 'b/absent', delete: true, expectedVersion: y }, // nothing absent is at any version
    ];
    for (const op of failing) {
      // The failing op comes last: the ones before it must not have been applied either.
      const batch: StoreOp[] = [{ key: 'b/new', value: 'n' }, { key: 'b/z', delete: true }, op];
      expect(await store.writeMany(batch)).toBe(false);
    }
    expect(await store.list('b/')).toEqual(before);
  });

  it('writeMany: refused while not writable, and a key twice is a programming error', async () => {
    let leader = false;
    store.setWritable(() => leader);
    await expect(store.writeMany([{ key: 'r/a', value: 1 }])).rejects.toBeInstanceOf(StoreReadOnlyError);
    expect(await store.read('r/a')).toBeUndefined();
    leader = true;
    await expect(
      store.writeMany([
        { key: 'r/a', value: 1 },
        { key: 'r/a', delete: true },
      ]),
    ).rejects.toThrow(TypeError);
    await expect(store.writeMany([{ key: 'r//a', value: 1 }])).rejects.toThrow(/invalid store key/);
    expect(await store.list('r/')).toEqual([]);
  });

  it('writeMany: a batch of 150 lands (in chunks of 64 operations in Consul)', async () => {
    const before = backend.commits();
    const ops = Array.from({ length: 150 }, (_, i) => ({
      key: `many/${String(i).padStart(3, '0')}`,
      value: { i },
      expectedVersion: 0,
    }));
    expect(await store.writeMany(ops)).toBe(true);
    expect(backend.commits() - before).toBe(backend.commitsFor(150));
    const listed = await store.list('many/');
    expect(listed.map((e) => e.value)).toEqual(ops.map((op) => op.value));
  });

  it('rejects keys that are not slash-separated words', async () => {
    await expect(store.write('/abs', 1)).rejects.toThrow(/invalid store key/);
    await expect(store.read('a//b')).rejects.toThrow(/invalid store key/);
  });
});

it('Consul unreachable is a StoreUnavailableError, not a crash', async () => {
  const store = await openStore('consul://127.0.0.1:1/p');
  await expect(store.read('networks/a')).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(store.write('networks/a', 1)).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(store.writeMany([{ key: 'networks/a', value: 1 }])).rejects.toBeInstanceOf(
    StoreUnavailableError,
  );
  await store.close();
});

it('Consul batches carry the ACL token; without it they are refused with StoreUnavailableError', async () => {
  const locked = new FakeConsul({ aclToken: 'secret' });
  await locked.start();
  const anon = await openStore(`consul://${locked.addr}/p`);
  const ok = await openStore(`consul://${locked.addr}/p`, { options: { 'kv.token': 'secret' } });
  try {
    const ops: StoreOp[] = [{ key: 'a/1', value: 1 }];
    await expect(anon.writeMany(ops)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await ok.writeMany(ops)).toBe(true);
    expect((await ok.read('a/1'))?.value).toBe(1);
  } finally {
    await anon.close();
    await ok.close();
    await locked.close();
  }
});
