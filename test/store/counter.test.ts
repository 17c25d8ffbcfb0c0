// The cluster-wide change counter: consecutive values, blocks taken in one write, none given twice.
import { afterEach, expect, it } from 'vitest';
import { INDEX_KEY, nextIndex } from '../../src/store/counter.js';
import { FileStore } from '../../src/store/file-store.js';
import { tempStore, type TempStore } from '../support/temp-store.js';

let temp: TempStore | undefined;
afterEach(() => temp?.remove());

it('hands out consecutive values, a block of n in one write, never one twice under concurrent takers', async () => {
  temp = tempStore();
  const store = await FileStore.open(temp.path);
  expect(await nextIndex(store)).toBe(1);
  const version = (await store.read(INDEX_KEY))?.version;
  expect(await nextIndex(store, 3)).toBe(2);
  expect((await store.read(INDEX_KEY))?.version).toBe((version ?? 0) + 1);
  expect(await nextIndex(store)).toBe(5);
  const many = await Promise.all(Array.from({ length: 5 }, () => nextIndex(store)));
  expect(new Set(many).size).toBe(5);
  expect(Math.min(...many)).toBe(6);
  await store.close();
});
