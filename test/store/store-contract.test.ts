// One contract, run against every store backend: versions, compare-and-set, lists by prefix, the write gate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreReadOnlyError, StoreUnavailableError } from '../../src/store/errors.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { updateRecord } from '../../src/store/update.js';
import { FakeConsul } from '../support/fake-consul.js';

interface Backend {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

function fileBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-store-'));
  return {
    open: () => openStore(`file://${join(dir, 'state.json')}`),
    cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
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
  };
}

const backends: [string, () => Backend][] = [
  ['file', fileBackend],
  ['consul', consulBackend],
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
      /^(file .+state\.json \(1 records\)|consul 127\.0\.0\.1:\d+ test\/prefix\/shoal\/state)$/,
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

  it('rejects keys that are not slash-separated words', async () => {
    await expect(store.write('/abs', 1)).rejects.toThrow(/invalid store key/);
    await expect(store.read('a//b')).rejects.toThrow(/invalid store key/);
  });
});

it('Consul unreachable is a StoreUnavailableError, not a crash', async () => {
  const store = await openStore('consul://127.0.0.1:1/p');
  await expect(store.read('networks/a')).rejects.toBeInstanceOf(StoreUnavailableError);
  await expect(store.write('networks/a', 1)).rejects.toBeInstanceOf(StoreUnavailableError);
  await store.close();
});
