// What services get from secrets and configs: the check of a spec's references, and a task's files, which
// need the very key that sealed them (another key's manager rejects the task, saying so, without the data).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsRuntime } from '../../src/secrets/runtime.js';
import type { ArchiveTarget } from '../../src/secrets/task-files.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { setLogSink } from '../../src/log.js';
import { tempStore, type TempStore } from '../support/temp-store.js';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

setLogSink(() => undefined);
const PLAIN = 'd4t4-0f-th3-s3cr3t';
let temp: TempStore | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  temp?.remove();
});

function keyFile(name: string): string {
  const file = join(dirname(temp?.path ?? ''), name);
  writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return file;
}

async function runtime(keyPath: string): Promise<SecretsRuntime> {
  const r = new SecretsRuntime({
    store: store as Store,
    key: { file: keyPath, create: false },
    serviceSpecs: () => [],
  });
  await r.start();
  return r;
}

function engine() {
  const calls: string[] = [];
  const ops: ArchiveTarget = {
    pathExists: (_id, p) => {
      calls.push(`stat ${p}`);
      return Promise.resolve(p === '/etc');
    },
    putArchive: (_id, p) => {
      calls.push(`put ${p}`);
      return Promise.resolve();
    },
  };
  return { engine: { ops }, calls };
}

const task = (secretId: string, name = 'db') => ({
  Spec: {
    ContainerSpec: {
      Image: 'busybox',
      Secrets: [
        { SecretID: secretId, SecretName: name, File: { Name: name, UID: '0', GID: '0', Mode: 0o444 } },
      ],
    },
  },
});

describe('SecretsRuntime', () => {
  it('writes a task’s files with the key that sealed them; another key rejects the task without the data', async () => {
    temp = tempStore();
    store = await openStore(`file://${temp.path}`);
    const first = await runtime(keyFile('a.key'));
    const { ID } = await first.secrets.create({ Name: 'db', Data: Buffer.from(PLAIN).toString('base64') });
    const ok = engine();
    await first.beforeStart(ok.engine, 'c1', task(ID));
    expect(ok.calls).toEqual(['stat /run/secrets', 'stat /run', 'put /']);
    const second = await runtime(keyFile('b.key'));
    const err = await second.beforeStart(engine().engine, 'c1', task(ID)).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('secret db cannot be opened: it was sealed with another key');
  });

  it('asks nothing of the engine for a task without secrets or configs', async () => {
    temp = tempStore();
    store = await openStore(`file://${temp.path}`);
    const r = await runtime(keyFile('a.key'));
    const e = engine();
    await r.beforeStart(e.engine, 'c1', { Spec: { ContainerSpec: { Image: 'busybox' } } });
    expect(e.calls).toEqual([]);
    expect(() =>
      r.checkSpec({ Name: 'x', TaskTemplate: { ContainerSpec: { Image: 'busybox' } } }),
    ).not.toThrow();
  });

  it("refuses a task whose target's UID is not a number, as the engine's Atoi would", async () => {
    temp = tempStore();
    store = await openStore(`file://${temp.path}`);
    const r = await runtime(keyFile('a.key'));
    const { ID } = await r.configs.create({ Name: 'cfg', Data: 'eA==' });
    const t = {
      Spec: {
        ContainerSpec: {
          Configs: [
            { ConfigID: ID, ConfigName: 'cfg', File: { Name: '/etc/c', UID: 'root', GID: '0', Mode: 0o444 } },
          ],
        },
      },
    };
    await expect(r.beforeStart(engine().engine, 'c1', t)).rejects.toThrow('config cfg: invalid UID "root"');
  });
});
