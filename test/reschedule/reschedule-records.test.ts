// Move records: a move under way is not claimed twice, an overdue one can be taken over, a failed one undone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  abandonMove,
  claimMove,
  completeMove,
  isStale,
  MOVE_LEASE_MS,
  moveKey,
  staleRemoved,
  type MoveRecord,
} from '../../src/reschedule/reschedule-records.js';
import { FileStore } from '../../src/store/file-store.js';

let dir: string;
let store: FileStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shoal-moves-'));
  store = await FileStore.open(join(dir, 'state.json'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const from = { engine: 'E0', engineName: 'node-0', container: 'c0' };
const to = { engine: 'E1', engineName: 'node-1', container: 'c1' };
const read = async () => (await store.read(moveKey('s1')))?.value as MoveRecord | undefined;

it('claims once; a second claim within the lease is busy, after it takes over', async () => {
  const t = Date.now();
  expect(await claimMove(store, 's1', 'web', from, t)).toEqual({ before: undefined });
  expect(await claimMove(store, 's1', 'web', from, t + 1000)).toBe('busy');
  const late = await claimMove(store, 's1', 'web', from, t + MOVE_LEASE_MS + 1);
  expect(late).toMatchObject({ before: { state: 'moving', stale: [from] } });
  expect((await read())?.stale).toEqual([from]);
});

it('completes: the new copy is live, the old one stale until removed, then the record goes', async () => {
  await claimMove(store, 's1', 'web', from);
  await completeMove(store, { swarmId: 's1', name: 'web', current: to }, from);
  const rec = await read();
  expect(rec).toMatchObject({ state: 'moved', current: to, stale: [from] });
  expect(isStale(rec as MoveRecord, 'c0')).toBe(true);
  expect(isStale(rec as MoveRecord, 'c1')).toBe(false);
  await staleRemoved(store, 's1', 'c0');
  expect(await read()).toBeUndefined();
});

it('a failed move puts the record back as it was', async () => {
  const claim = await claimMove(store, 's1', 'web', from);
  if (claim === 'busy') throw new Error('busy');
  await abandonMove(store, 's1', claim.before);
  expect(await read()).toBeUndefined();
});
