// Secrets and configs over a real store file: create, find, update (labels only), remove (refused while in
// use), Version.Index from the cluster's counter, and a store file that never holds a secret's data.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FilterArgs } from '../../src/docker/filters.js';
import { DataObjects } from '../../src/secrets/objects.js';
import { SecretRecords } from '../../src/secrets/records.js';
import { INDEX_KEY } from '../../src/store/counter.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { tempStore, type TempStore } from '../support/temp-store.js';

const PLAIN = 'pl41n-s3cr3t-value';
const b64 = (s: string) => Buffer.from(s).toString('base64');

let temp: TempStore | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  temp?.remove();
});

async function setup(users: Record<string, string[]> = {}) {
  temp = tempStore();
  store = await openStore(`file://${temp.path}`);
  const records = new SecretRecords(store);
  await records.load();
  const key = randomBytes(32);
  const deps = {
    records,
    key: () => Promise.resolve(key),
    usedBy: (_k: string, id: string) => users[id] ?? [],
  };
  return {
    records,
    store,
    secrets: new DataObjects('secret', deps),
    configs: new DataObjects('config', deps),
  };
}

describe('secrets and configs in the store', () => {
  it('keeps a secret sealed: the store file holds neither its data nor its base64', async () => {
    const { secrets, configs } = await setup();
    const { ID } = await secrets.create({ Name: 'db', Labels: { a: 'b' }, Data: b64(PLAIN) });
    await configs.create({ Name: 'cfg', Data: b64('listen 80') });
    const file = readFileSync(temp?.path ?? '', 'utf8');
    expect(file).toContain(ID);
    for (const form of [PLAIN, b64(PLAIN), Buffer.from(PLAIN).toString('hex')])
      expect(file).not.toContain(form);
    // A config is not secret: kept as sent.
    expect(file).toContain(b64('listen 80'));
    const shown = JSON.stringify([secrets.inspect('db'), secrets.list(new FilterArgs())]);
    expect(shown).not.toContain(b64(PLAIN));
    expect(secrets.inspect('db')).toEqual({
      ID,
      Version: { Index: expect.any(Number) as number },
      CreatedAt: expect.any(String) as string,
      UpdatedAt: expect.any(String) as string,
      Spec: { Name: 'db', Labels: { a: 'b' } },
    });
    expect(configs.inspect('cfg')).toMatchObject({
      Spec: { Name: 'cfg', Labels: {}, Data: b64('listen 80') },
    });
  });

  it('takes Version.Index from the cluster counter, one value per write', async () => {
    const { secrets, store } = await setup();
    await store.write(INDEX_KEY, { index: 41 });
    await secrets.create({ Name: 'a', Data: b64('x') });
    expect(secrets.inspect('a')).toMatchObject({ Version: { Index: 42 } });
    await secrets.update('a', '42', { Name: 'a', Labels: { l: '1' } });
    expect(secrets.inspect('a')).toMatchObject({ Version: { Index: 43 }, Spec: { Labels: { l: '1' } } });
    expect((await store.read(INDEX_KEY))?.value).toEqual({ index: 43 });
  });

  it("finds by ID, name (any case) and ID prefix; answers the engine's texts", async () => {
    const { secrets, configs } = await setup();
    const { ID } = await secrets.create({ Name: 'db', Data: b64('x') });
    expect(secrets.find(ID).ID).toBe(ID);
    expect(secrets.find('DB').ID).toBe(ID);
    expect(secrets.find(ID.slice(0, 4)).ID).toBe(ID);
    expect(() => secrets.find('nope')).toThrow(
      expect.objectContaining({ kind: 'notFound', message: 'secret nope not found' }),
    );
    expect(() => configs.find('db')).toThrow('config db not found');
    await expect(secrets.create({ Name: 'DB', Data: b64('y') })).rejects.toMatchObject({
      kind: 'conflict',
      message: 'rpc error: code = AlreadyExists desc = secret DB already exists',
    });
  });

  it('updates labels only, at the current version', async () => {
    const { secrets, configs } = await setup();
    await secrets.create({ Name: 'db', Data: b64(PLAIN) });
    const v = () => String((secrets.inspect('db')['Version'] as { Index: number }).Index);
    await expect(secrets.update('db', null, { Name: 'db' })).rejects.toThrow('invalid secret version');
    await expect(secrets.update('db', v(), { Name: 'db2' })).rejects.toThrow(
      'rpc error: code = InvalidArgument desc = only updates to Labels are allowed',
    );
    const other = secrets.update('db', v(), { Name: 'db', Data: b64('other') });
    await expect(other).rejects.toThrow('only updates to Labels are allowed');
    await expect(other).rejects.not.toThrow(PLAIN);
    // The same data again is fine (docker stack deploy sends it).
    await secrets.update('db', v(), { Name: 'db', Data: b64(PLAIN), Labels: { k: 'v' } });
    await expect(secrets.update('db', '1', { Name: 'db' })).rejects.toThrow(
      'rpc error: code = Unknown desc = update out of sequence',
    );
    await configs.create({ Name: 'c', Data: b64('x') });
    await expect(configs.update('c', 'x', { Name: 'c' })).rejects.toThrow('invalid config version');
  });

  it('removes, unless a service uses it', async () => {
    const users: Record<string, string[]> = {};
    const { secrets, records } = await setup(users);
    const { ID } = await secrets.create({ Name: 'db', Data: b64('x') });
    users[ID] = ['app'];
    await expect(secrets.remove('db')).rejects.toMatchObject({
      kind: 'invalid',
      message: "rpc error: code = InvalidArgument desc = secret 'db' is in use by the following service: app",
    });
    users[ID] = ['app', 'web'];
    await expect(secrets.remove(ID)).rejects.toThrow('is in use by the following services: app, web');
    users[ID] = [];
    await secrets.remove(ID);
    expect(records.get('secret', ID)).toBeUndefined();
    await expect(secrets.remove('db')).rejects.toThrow('secret db not found');
  });

  it('reads the records back after a restart', async () => {
    const { secrets, store } = await setup();
    const { ID } = await secrets.create({ Name: 'db', Data: b64('x') });
    const again = new SecretRecords(store);
    await again.load();
    expect(again.get('secret', ID)?.Spec.Name).toBe('db');
    expect(again.get('secret', ID)?.Sealed).toBeDefined();
  });
});
