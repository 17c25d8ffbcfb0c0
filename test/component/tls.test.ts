// TLS at the front (--tlsverify: clients need a certificate signed by the CA) and to engines (Shoal's
// certificate presented as a client certificate, engines' certificates checked), over real sockets.
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManageArgs } from '../../src/config/manage.js';
import { INSECURE_BIND_WARNING } from '../../src/config/tls.js';
import { issueCert, makeCa, type CertFiles } from '../../src/lab/certs.js';
import { setLogSink } from '../../src/log.js';
import { startManager, type Manager } from '../../src/main.js';
import { fakeCluster, waitFor, type FakeCluster } from '../support/cluster.js';
import { FakeEngine } from '../support/fake-engine.js';
import { demux, readAll, upgrade } from '../support/http.js';
import { tempStore } from '../support/temp-store.js';

const store = tempStore();

interface Certs {
  manager: CertFiles;
  engine: CertFiles;
  client: CertFiles;
  /** Signed by another CA. */
  stranger: CertFiles;
}
let certs: Certs;

const pem = (f: CertFiles) => ({
  ca: readFileSync(f.ca),
  cert: readFileSync(f.cert),
  key: readFileSync(f.key),
});
const frontFlags = (m: CertFiles) => [
  '--tlsverify',
  '--tlscacert',
  m.ca,
  '--tlscert',
  m.cert,
  '--tlskey',
  m.key,
];

/** A request over TLS with the given client identity (none: no client certificate). */
function call(
  port: number,
  method: string,
  path: string,
  tls: ConnectionOptions,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, method, path, ...tls, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const portOf = (m: Manager) => Number(new URL((m.urls()[0] ?? '').replace('tcp://', 'http://')).port);

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-tls-'));
  const ca = await makeCa(join(dir, 'ca'));
  const otherCa = await makeCa(join(dir, 'other'), 'another CA');
  const [manager, engine, client, stranger] = await Promise.all([
    issueCert(ca, { name: 'manager', usage: 'both', ips: ['127.0.0.1'] }),
    issueCert(ca, { name: 'engine', usage: 'server', ips: ['127.0.0.1'] }),
    issueCert(ca, { name: 'client', usage: 'client' }),
    issueCert(otherCa, { name: 'stranger', usage: 'both', ips: ['127.0.0.1'] }),
  ]);
  certs = { manager, engine, client, stranger };
});

describe('--tlsverify in front of TLS engines', () => {
  let c: FakeCluster;
  let port = 0;
  beforeAll(async () => {
    const engineTls = pem(certs.engine);
    c = await fakeCluster([{ tls: engineTls }, { tls: engineTls }], frontFlags(certs.manager));
    port = portOf(c.manager);
  });
  afterAll(() => c.stop());

  it('serves a client whose certificate the CA signed; the URL stays tcp://', async () => {
    expect(c.manager.urls()[0]).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(c.manager.server.secure).toBe(true);
    const r = await call(port, 'GET', '/info', pem(certs.client));
    expect(r.status).toBe(200);
    expect((r.body as { SystemStatus: [string, string][] }).SystemStatus).toContainEqual(['Nodes', '2']);
  });

  it('reaches the engines over TLS, presenting its own certificate', () => {
    for (const e of c.engines) {
      expect(e.peers.length).toBeGreaterThan(0);
      expect(new Set(e.peers)).toEqual(new Set(['manager']));
    }
  });

  it('refuses a client without a certificate, with one from another CA, and plain HTTP', async () => {
    const ca = readFileSync(certs.manager.ca);
    await expect(call(port, 'GET', '/_ping', { ca })).rejects.toThrow(/certificate required/);
    await expect(call(port, 'GET', '/_ping', { ...pem(certs.stranger), ca })).rejects.toThrow(
      /unknown ca|socket hang up|ECONNRESET/,
    );
    await expect(fetch(`http://127.0.0.1:${port}/_ping`)).rejects.toThrow();
  });

  it('relays a hijacked exec over TLS on both sides, stdin EOF passed on as a half-close', async () => {
    const tls = pem(certs.client);
    const cr = await call(port, 'POST', '/containers/create?name=tlsexec', tls, { Image: 'busybox:local' });
    expect(cr.status).toBe(201);
    const id = (cr.body as { Id: string }).Id;
    const ex = await call(port, 'POST', `/containers/${id}/exec`, tls, { Cmd: ['cat'], AttachStdin: true });
    const base = `https://127.0.0.1:${port}`;
    const exec = `/v1.41/exec/${(ex.body as { Id: string }).Id}/start`;
    const { socket, head, rest } = await upgrade(base, 'POST', exec, '{"Detach":false,"Tty":false}', { tls });
    expect(head).toMatch(/^HTTP\/1\.1 101 UPGRADED/);
    const done = readAll(socket, rest);
    socket.write('hello\n');
    await new Promise((r) => setTimeout(r, 50));
    socket.end();
    expect(demux(await done)).toBe('hello\nbye\n');
  });
});

describe('engine certificates', () => {
  let engine: FakeEngine;
  let manager: Manager | undefined;
  beforeAll(async () => {
    setLogSink(() => undefined);
    // An engine whose certificate another CA signed (and which trusts that CA's clients only).
    engine = new FakeEngine({ name: 'node-x', tls: pem(certs.stranger) });
    await engine.start();
  });
  afterAll(async () => {
    await manager?.stop();
    await engine.stop();
  });

  const start = async (flags: string[]) => {
    await manager?.stop();
    manager = await startManager(
      parseManageArgs([...store.args, '-H', 'tcp://127.0.0.1:0', ...flags, engine.addr], {}),
    );
    return manager;
  };

  it('are verified with --tlsverify: an engine signed by another CA is never validated', async () => {
    const m = await start(frontFlags(certs.manager));
    await new Promise((r) => setTimeout(r, 500));
    expect(m.pool.all()[0]?.state).not.toBe('healthy');
    expect(engine.requests).toHaveLength(0);
  });

  it('--engine-tls* give engines their own CA and client certificate (plain front on loopback)', async () => {
    const s = certs.stranger;
    const m = await start([
      '--engine-tlsverify',
      '--engine-tlscacert',
      s.ca,
      '--engine-tlscert',
      s.cert,
      '--engine-tlskey',
      s.key,
    ]);
    await waitFor('engine healthy', () => m.pool.healthy().length === 1);
    expect(m.server.secure).toBe(false);
    expect(engine.peers).toContain('stranger');
  });
});

describe('listening without TLS', () => {
  it('warns like Docker when --insecure-listen binds beyond loopback', async () => {
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    const m = await startManager(
      parseManageArgs(
        [...store.args, '-H', 'tcp://0.0.0.0:0', '--insecure-listen', 'nodes://127.0.0.1:9'],
        {},
      ),
    );
    await m.stop();
    setLogSink(() => undefined);
    expect(lines.find((l) => l.includes(INSECURE_BIND_WARNING))).toMatch(
      /level=warning .* host=tcp:\/\/0\.0\.0\.0:0/,
    );
  });
});

afterAll(() => store.remove());
