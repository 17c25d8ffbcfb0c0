// Secrets and configs with fake engines: the endpoints and their texts, a service whose tasks get their
// files (written into the container before it starts, with owner and mode), a secret's data nowhere in any
// answer, create body or log line, removal refused while in use, references checked at create and update.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { setLogSink } from '../../src/log.js';
import { startManager } from '../../src/main.js';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';
import { tempStore } from '../support/temp-store.js';

const PLAIN = 'pl41n-s3cr3t-valu3';
const CONF = 'listen 8080\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Every form the secret's data could leak in. */
const LEAKS = [PLAIN, b64(PLAIN), Buffer.from(PLAIN).toString('hex')];

let cluster: FakeCluster | undefined;
const lines: string[] = [];

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  lines.length = 0;
});

async function start(n = 2, extra: string[] = []): Promise<FakeCluster> {
  cluster = await fakeCluster(
    Array.from({ length: n }, () => ({})),
    ['-l', 'debug', ...extra],
  );
  setLogSink((l) => lines.push(l));
  return cluster;
}

interface TaskJson {
  ID: string;
  DesiredState: string;
  Status: { State: string; Err?: string; ContainerStatus?: { ContainerID: string } };
}

const secretRef = (id: string, name: string, file: Record<string, unknown> = {}) => ({
  SecretID: id,
  SecretName: name,
  File: { Name: name, UID: '0', GID: '0', Mode: 0o444, ...file },
});

const serviceSpec = (name: string, containerSpec: Record<string, unknown>, replicas = 2) => ({
  Name: name,
  TaskTemplate: {
    ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '1000'], ...containerSpec },
    RestartPolicy: { Condition: 'none' },
  },
  Mode: { Replicated: { Replicas: replicas } },
});

async function tasksOf(base: string, service: string): Promise<TaskJson[]> {
  const q = encodeURIComponent(JSON.stringify({ service: { [service]: true } }));
  return (await call<TaskJson[]>(base, 'GET', `/v1.41/tasks?filters=${q}`)).body;
}

describe('/secrets and /configs', () => {
  it("create, list, inspect, update, remove, with the engine's statuses and texts", async () => {
    const { base } = await start(1);
    const made = await call<{ ID: string }>(base, 'POST', '/v1.41/secrets/create', {
      Name: 'db',
      Labels: { tier: 'data' },
      Data: b64(PLAIN),
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toEqual({ ID: expect.stringMatching(/^[0-9a-z]{25}$/) as string });
    const again = await call(base, 'POST', '/v1.41/secrets/create', { Name: 'db', Data: b64('x') });
    expect([again.status, again.body]).toEqual([
      409,
      { message: 'rpc error: code = AlreadyExists desc = secret db already exists' },
    ]);
    const bad = await call(base, 'POST', '/v1.41/secrets/create', { Name: '-x', Data: b64('x') });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('invalid name, only 64 [a-zA-Z0-9-_.] characters allowed');
    const typed = await call(base, 'POST', '/v1.41/secrets/create', { Name: 5 });
    expect([typed.status, typed.body]).toEqual([
      400,
      { message: 'json: cannot unmarshal number into Go struct field SecretSpec.Name of type string' },
    ]);
    const empty = await call(base, 'POST', '/v1.41/secrets/create', '', {
      'content-type': 'application/json',
    });
    expect([empty.status, empty.body]).toEqual([400, { message: 'got EOF while reading request body' }]);
    const list = await call<{ ID: string; Spec: unknown }[]>(
      base,
      'GET',
      `/v1.41/secrets?filters=${encodeURIComponent('{"label":{"tier=data":true}}')}`,
    );
    expect(list.body.map((s) => [s.ID, s.Spec])).toEqual([
      [made.body.ID, { Name: 'db', Labels: { tier: 'data' } }],
    ]);
    const one = await call<{ Version: { Index: number } }>(base, 'GET', '/v1.41/secrets/db');
    expect(one.status).toBe(200);
    const upd = await call(
      base,
      'POST',
      `/v1.41/secrets/${made.body.ID}/update?version=${one.body.Version.Index}`,
      {
        Name: 'db',
        Labels: {},
      },
    );
    expect([upd.status, upd.text]).toEqual([200, '']);
    const missing = await call(base, 'GET', '/v1.41/secrets/nope');
    expect([missing.status, missing.body]).toEqual([404, { message: 'secret nope not found' }]);
    const filter = await call(
      base,
      'GET',
      `/v1.41/configs?filters=${encodeURIComponent('{"names":{"x":true}}')}`,
    );
    expect([filter.status, filter.body]).toEqual([400, { message: "Invalid filter 'names'" }]);
    const cfg = await call<{ ID: string }>(base, 'POST', '/v1.41/configs/create', {
      Name: 'cfg',
      Data: b64(CONF),
    });
    expect(cfg.status).toBe(201);
    const shown = await call<{ Spec: { Data: string } }>(base, 'GET', '/v1.41/configs/cfg');
    expect(shown.body.Spec.Data).toBe(b64(CONF));
    const rm = await call(base, 'DELETE', '/v1.41/secrets/db');
    expect([rm.status, rm.text]).toEqual([204, '']);
    expect((await call(base, 'DELETE', `/v1.41/configs/${cfg.body.ID}`)).status).toBe(204);
    expect((await call(base, 'GET', '/v1.41/secrets')).body).toEqual([]);
  });

  it("gives a service's tasks their files before they start, and the data is in no answer, body or log", async () => {
    const { base, engines } = await start(2);
    const s = await call<{ ID: string }>(base, 'POST', '/v1.41/secrets/create', {
      Name: 'db',
      Data: b64(PLAIN),
    });
    const c = await call<{ ID: string }>(base, 'POST', '/v1.41/configs/create', {
      Name: 'cfg',
      Data: b64(CONF),
    });
    const made = await call<{ ID: string }>(
      base,
      'POST',
      '/v1.41/services/create',
      serviceSpec('app', {
        Secrets: [secretRef(s.body.ID, 'db', { UID: '1000', GID: '1001', Mode: 0o400 })],
        Configs: [
          {
            ConfigID: c.body.ID,
            ConfigName: 'cfg',
            File: { Name: '/etc/app.conf', UID: '0', GID: '0', Mode: 0o444 },
          },
        ],
      }),
    );
    expect(made.status, made.text).toBe(201);
    const up = await waitFor('2 running tasks', async () => {
      const list = await tasksOf(base, 'app');
      return list.length === 2 && list.every((t) => t.Status.State === 'running') ? list : undefined;
    });
    for (const t of up) {
      const id = t.Status.ContainerStatus?.ContainerID ?? '';
      const engine = engines.find((e) => e.containers.has(id));
      const box = engine?.containers.get(id);
      expect(box?.files.get('/run/secrets/db')).toMatchObject({
        type: 'file',
        mode: 0o400,
        uid: 1000,
        gid: 1001,
      });
      expect(box?.files.get('/run/secrets/db')?.data.toString()).toBe(PLAIN);
      expect(box?.files.get('/run/secrets')).toMatchObject({ type: 'dir', mode: 0o755, uid: 0 });
      expect(box?.files.get('/etc/app.conf')?.data.toString()).toBe(CONF);
      expect(box?.files.get('/etc/app.conf')?.mode).toBe(0o444);
      // Written before the start, never replacing a directory with a file.
      const calls = (engine?.requests ?? []).map((r) => `${r.method} ${r.path.replace(/^\/v[\d.]+/, '')}`);
      const put = calls.indexOf(`PUT /containers/${id}/archive`);
      expect(put).toBeGreaterThan(-1);
      expect(put).toBeLessThan(calls.indexOf(`POST /containers/${id}/start`));
      expect(engine?.archives.every((a) => a.query.includes('noOverwriteDirNonDir=true'))).toBe(true);
    }
    // Nothing of the secret in what the engines were asked to create.
    for (const body of engines.flatMap((e) => e.createBodies))
      for (const leak of LEAKS) expect(body).not.toContain(leak);
    // Nor in any answer of the API.
    const ids = up.map((t) => t.Status.ContainerStatus?.ContainerID ?? '');
    const paths = [
      '/secrets',
      '/secrets/db',
      `/secrets/${s.body.ID}`,
      '/configs',
      '/configs/cfg',
      '/services',
      '/services?status=true',
      '/services/app',
      '/services/app?insertDefaults=true',
      '/tasks',
      ...up.map((t) => `/tasks/${t.ID}`),
      '/containers/json?all=1',
      ...ids.map((id) => `/containers/${id}/json`),
      '/info',
      '/nodes',
      `/events?since=0&until=${Math.ceil(Date.now() / 1000)}`,
    ];
    for (const p of paths) {
      const r = await call(base, 'GET', `/v1.41${p}`);
      expect(r.status, `${p}: ${r.text}`).toBe(200);
      for (const leak of LEAKS) expect(r.text, p).not.toContain(leak);
    }
    // Nor in the manager's log (at debug).
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('file(s) written'))).toBe(true);
    for (const l of lines) for (const leak of LEAKS) expect(l).not.toContain(leak);
    // In use: the secret and the config stay; once the service is gone they go.
    const refused = await call(base, 'DELETE', '/v1.41/secrets/db');
    expect([refused.status, refused.body]).toEqual([
      400,
      {
        message:
          "rpc error: code = InvalidArgument desc = secret 'db' is in use by the following service: app",
      },
    ]);
    const cfgRefused = await call(base, 'DELETE', '/v1.41/configs/cfg');
    expect(cfgRefused.text).toContain("config 'cfg' is in use by the following service: app");
    expect((await call(base, 'DELETE', '/v1.41/services/app')).status).toBe(200);
    expect((await call(base, 'DELETE', '/v1.41/secrets/db')).status).toBe(204);
    expect((await call(base, 'DELETE', '/v1.41/configs/cfg')).status).toBe(204);
  });

  it('writes the files into a replacement too, made first and started after its restart delay', async () => {
    const { base, engines } = await start(1);
    const s = await call<{ ID: string }>(base, 'POST', '/v1.41/secrets/create', {
      Name: 'db',
      Data: b64(PLAIN),
    });
    const spec = serviceSpec('app', { Secrets: [secretRef(s.body.ID, 'db')] }, 1);
    spec.TaskTemplate.RestartPolicy = { Condition: 'any', Delay: 300e6 } as never;
    await call(base, 'POST', '/v1.41/services/create', spec);
    const first = await waitFor('a running task', async () =>
      (await tasksOf(base, 'app')).find((t) => t.Status.State === 'running'),
    );
    const engine = engines[0];
    const old = first.Status.ContainerStatus?.ContainerID ?? '';
    expect(
      (await fetch(`http://${engine?.addr}/v1.41/containers/${old}/kill`, { method: 'POST' })).status,
    ).toBe(204);
    const next = await waitFor('its replacement running', async () =>
      (await tasksOf(base, 'app')).find((t) => t.ID !== first.ID && t.Status.State === 'running'),
    );
    const id = next.Status.ContainerStatus?.ContainerID ?? '';
    expect(engine?.containers.get(id)?.files.get('/run/secrets/db')?.data.toString()).toBe(PLAIN);
    const calls = (engine?.requests ?? []).map((r) => `${r.method} ${r.path.replace(/^\/v[\d.]+/, '')}`);
    expect(calls.indexOf(`PUT /containers/${id}/archive`)).toBeGreaterThan(-1);
    expect(calls.indexOf(`PUT /containers/${id}/archive`)).toBeLessThan(
      calls.indexOf(`POST /containers/${id}/start`),
    );
  });

  it('checks references at service create and update, with SwarmKit texts', async () => {
    const { base } = await start(1);
    const s = await call<{ ID: string }>(base, 'POST', '/v1.41/secrets/create', {
      Name: 'db',
      Data: b64('x'),
    });
    const missing = await call(
      base,
      'POST',
      '/v1.41/services/create',
      serviceSpec('a', { Secrets: [secretRef('nope-id', 'nope')] }),
    );
    expect([missing.status, missing.body]).toEqual([
      400,
      { message: 'rpc error: code = InvalidArgument desc = secret not found: nope' },
    ]);
    const wrongName = await call(
      base,
      'POST',
      '/v1.41/services/create',
      serviceSpec('a', { Secrets: [secretRef(s.body.ID, 'other')] }),
    );
    expect(wrongName.text).toContain('secret not found: other');
    const typed = await call(
      base,
      'POST',
      '/v1.41/services/create',
      serviceSpec('a', { Secrets: [{ File: 5 }] }),
    );
    expect(typed.status).toBe(400);
    expect(typed.text).toContain('json: cannot unmarshal number into Go struct field');
    const ok = await call<{ ID: string }>(base, 'POST', '/v1.41/services/create', serviceSpec('a', {}, 0));
    expect(ok.status, ok.text).toBe(201);
    const cur = await call<{ Version: { Index: number }; Spec: { TaskTemplate: Record<string, unknown> } }>(
      base,
      'GET',
      '/v1.41/services/a',
    );
    const spec = serviceSpec(
      'a',
      { Configs: [{ ConfigID: 'x', ConfigName: 'cfg', File: { Name: '/c' } }] },
      0,
    );
    const upd = await call(base, 'POST', `/v1.41/services/a/update?version=${cur.body.Version.Index}`, spec);
    expect([upd.status, upd.body]).toEqual([
      400,
      { message: 'rpc error: code = InvalidArgument desc = config not found: cfg' },
    ]);
    // The failed update changed nothing: the service does not use `db`, so it can go.
    expect((await call(base, 'DELETE', '/v1.41/secrets/db')).status).toBe(204);
  });

  it('rejects a task whose files the engine refuses (a read-only root filesystem), with its text', async () => {
    const { base, engines } = await start(1);
    const s = await call<{ ID: string }>(base, 'POST', '/v1.41/secrets/create', {
      Name: 'db',
      Data: b64(PLAIN),
    });
    await call(
      base,
      'POST',
      '/v1.41/services/create',
      serviceSpec('ro', { ReadOnly: true, Secrets: [secretRef(s.body.ID, 'db')] }, 1),
    );
    const t = await waitFor('a rejected task', async () =>
      (await tasksOf(base, 'ro')).find((x) => x.Status.State === 'rejected'),
    );
    expect(t.Status.Err).toBe('container rootfs is marked read-only');
    expect([...(engines[0]?.containers.values() ?? [])].every((c) => !c.State.Running)).toBe(true);
  });

  it("keeps the secrets key beside the store file (0600), or takes the operator's from --secrets-key-file", async () => {
    const store = tempStore();
    try {
      const { base } = await start(1, ['--store', `file://${store.path}`]);
      const key = join(dirname(store.path), 'secrets.key');
      expect(existsSync(key)).toBe(false); // made on first use
      expect(
        (await call(base, 'POST', '/v1.41/secrets/create', { Name: 'db', Data: b64(PLAIN) })).status,
      ).toBe(201);
      expect(statSync(key).mode & 0o777).toBe(0o600);
      for (const leak of LEAKS) expect(readFileSync(store.path, 'utf8')).not.toContain(leak);
      // A key file that is not a key stops the manager at start, saying so.
      const bad = join(dirname(store.path), 'bad.key');
      writeFileSync(bad, 'not a key');
      const config = parseManageArgs(['-H', 'tcp://127.0.0.1:0', '--secrets-key-file', bad, '127.0.0.1:1']);
      await expect(startManager(config)).rejects.toThrow(`--secrets-key-file ${bad}: expected a 32-byte key`);
      // The operator's key: nothing is made beside the store.
      await cluster?.stop();
      const other = tempStore();
      const given = join(dirname(other.path), 'given.key');
      writeFileSync(given, randomBytes(32).toString('hex'), { mode: 0o600 });
      cluster = await fakeCluster([{}], ['--store', `file://${other.path}`, '--secrets-key-file', given]);
      const made = await call(cluster.base, 'POST', '/v1.41/secrets/create', {
        Name: 'db',
        Data: b64(PLAIN),
      });
      expect(made.status).toBe(201);
      expect(existsSync(join(dirname(other.path), 'secrets.key'))).toBe(false);
      await cluster.stop();
      cluster = undefined;
      other.remove();
    } finally {
      store.remove();
    }
  });
});
