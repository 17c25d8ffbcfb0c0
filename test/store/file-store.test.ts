// The file store: survives a restart, refuses a damaged file without touching it, and is crash-safe.
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { StoreCorruptError } from '../../src/store/errors.js';
import { FileStore } from '../../src/store/file-store.js';
import { defaultStorePath, openStore, storeSpecFor } from '../../src/store/index.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoal-file-store-'));
  path = join(dir, 'sub', 'state.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function filled(): Promise<Buffer> {
  const s = await FileStore.open(path);
  await s.write('networks/n1', { name: 'n1', parts: { E1: { subnet: '198.19.0.0/24' } } });
  await s.write('reschedule/s1', { state: 'moved' });
  await s.close();
  return readFileSync(path);
}

async function corruptError(): Promise<StoreCorruptError> {
  const err: unknown = await FileStore.open(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreCorruptError);
  return err as StoreCorruptError;
}

it('starts empty without a file (creating its directory), and a restart keeps its state', async () => {
  const s = await FileStore.open(path);
  expect(await s.list('')).toEqual([]);
  expect(s.describe()).toBe(`file ${path} (0 records)`);
  await s.write('networks/n1', { name: 'n1' });
  const v = (await s.read('networks/n1'))?.version;
  await s.close();
  const again = await FileStore.open(path);
  expect(await again.read('networks/n1')).toEqual({ key: 'networks/n1', value: { name: 'n1' }, version: v });
  expect(await again.write('networks/n2', {}, 0)).toBe(true);
  expect(((await again.read('networks/n2'))?.version ?? 0) > (v ?? 0)).toBe(true);
  expect(again.describe()).toBe(`file ${path} (2 records)`);
});

it('a truncated file is reported, names the file, and is left byte for byte', async () => {
  const good = await filled();
  const cut = good.subarray(0, Math.floor(good.length / 2));
  writeFileSync(path, cut);
  const err = await corruptError();
  expect(err.message).toContain(path);
  expect(err.message).toMatch(/not valid JSON, truncated or damaged/);
  expect(err.message).toMatch(/left untouched.*move it away/);
  expect(readFileSync(path).equals(cut)).toBe(true);
  writeFileSync(path, '');
  expect((await corruptError()).message).toContain('the file is empty');
  expect(readFileSync(path).length).toBe(0);
});

it('a garbage file is reported and left as it is', async () => {
  const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a]);
  await filled();
  writeFileSync(path, garbage);
  await corruptError();
  expect(readFileSync(path).equals(garbage)).toBe(true);
  writeFileSync(path, '{"hello": "world"}');
  expect((await corruptError()).message).toContain('not a Shoal state file');
});

it('a checksum mismatch (a record changed on disk) is reported and left as it is', async () => {
  const good = await filled();
  const edited = Buffer.from(good.toString('utf8').replace('198.19.0.0/24', '198.19.9.0/24'));
  expect(edited.equals(good)).toBe(false);
  writeFileSync(path, edited);
  expect((await corruptError()).message).toContain('checksum does not match');
  expect(readFileSync(path).equals(edited)).toBe(true);
});

it('a file damaged while running fails the next operation and is not overwritten', async () => {
  const s = await FileStore.open(path);
  await s.write('networks/n1', { name: 'n1' });
  writeFileSync(path, '{"format":1,');
  await expect(s.write('networks/n2', {})).rejects.toBeInstanceOf(StoreCorruptError);
  expect(readFileSync(path, 'utf8')).toBe('{"format":1,');
});

it("a crashed write's leftover temp file does not break opening, and an old one is cleaned up", async () => {
  const good = await filled();
  const fresh = `${path}.tmp-999999-1`;
  const old = `${path}.tmp-999999-2`;
  writeFileSync(fresh, good.subarray(0, 10));
  writeFileSync(old, 'partial');
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(old, past, past);
  const s = await FileStore.open(path);
  expect((await s.read('networks/n1'))?.value).toMatchObject({ name: 'n1' });
  expect(readdirSync(join(dir, 'sub')).sort()).toEqual(['state.json', 'state.json.tmp-999999-1']);
  await s.write('networks/n3', {});
  expect(readFileSync(path).equals(good)).toBe(false);
});

it('concurrent writes are serialised: none is lost, versions are distinct, the file stays valid', async () => {
  const s = await FileStore.open(path);
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => s.write(`k/${String(i).padStart(2, '0')}`, { i }, 0)),
  );
  expect(results.every(Boolean)).toBe(true);
  const listed = await s.list('k/');
  expect(listed).toHaveLength(40);
  expect(new Set(listed.map((e) => e.version)).size).toBe(40);
  const again = await FileStore.open(path);
  expect(await again.list('k/')).toEqual(listed);
  expect(readdirSync(join(dir, 'sub'))).toEqual(['state.json']);
});

it('a second store on the same file sees the first one’s writes before its own compare-and-set', async () => {
  const a = await FileStore.open(path);
  const b = await FileStore.open(path);
  expect(await a.write('networks/x', { by: 'a' }, 0)).toBe(true);
  expect(await b.write('networks/x', { by: 'b' }, 0)).toBe(false);
  expect((await b.read('networks/x'))?.value).toEqual({ by: 'a' });
});

it('a read sees a write made through another store once the 20 ms a read may share a look have passed', async () => {
  const a = await FileStore.open(path);
  const b = await FileStore.open(path);
  expect(await b.read('networks/x')).toBeUndefined();
  expect(await a.write('networks/x', { by: 'a' })).toBe(true);
  await new Promise((r) => setTimeout(r, 25));
  expect((await b.read('networks/x'))?.value).toEqual({ by: 'a' });
  expect((await b.list('networks/')).map((e) => e.key)).toEqual(['networks/x']);
});

it('picks the backend and the default path from the spec', async () => {
  expect(defaultStorePath({}, 0)).toBe('/var/lib/shoal/state.json');
  expect(defaultStorePath({ XDG_STATE_HOME: '/x/state' }, 1000)).toBe('/x/state/shoal/state.json');
  expect(storeSpecFor({ discovery: 'nodes://a:1' }, {})).toMatch(/^file:\/\/\/.+\/shoal\/state\.json$/);
  expect(storeSpecFor({ store: 'file:///s.json', discovery: 'consul://c:8500/p' })).toBe('file:///s.json');
  expect(storeSpecFor({ replication: {}, discovery: 'consul://c:8500/p' })).toBe('consul://c:8500/p');
  await expect(openStore('etcd://h:1/p')).rejects.toThrow(/invalid --store "etcd:\/\/h:1\/p"/);
  await expect(openStore('file://relative/x')).rejects.toThrow(/absolute path/);
  const plain = await openStore(path);
  expect(plain.describe()).toBe(`file ${path} (0 records)`);
});
