// The access log at debug level: a line per request with method, path, status, duration and engine; and no
// registry credentials (X-Registry-Auth) in any log line, whatever the request did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel, setLogSink } from '../../src/log.js';
import { fakeCluster, type FakeCluster } from '../support/cluster.js';
import { call } from '../support/http.js';

let c: FakeCluster;
const lines: string[] = [];
const secret = 'hunter2-do-not-log';
const auth = Buffer.from(JSON.stringify({ username: 'u', password: secret })).toString('base64');

beforeAll(async () => {
  c = await fakeCluster([{}, {}]);
  setLogLevel('debug');
  setLogSink((l) => lines.push(l));
});

afterAll(async () => {
  setLogLevel('info');
  await c.stop();
});

describe('the access log', () => {
  it('has a line per request with the engine that answered, and never the registry credentials', async () => {
    const pulled = await call(c.base, 'POST', '/v1.41/images/create?fromImage=busybox&tag=x', '', {
      'X-Registry-Auth': auth,
    });
    expect(pulled.status).toBe(200);
    const made = await call<{ Id: string }>(
      c.base,
      'POST',
      '/v1.41/containers/create',
      { Image: 'busybox:local' },
      {
        'X-Registry-Auth': auth,
      },
    );
    expect(made.status).toBe(201);
    await call(c.base, 'GET', `/v1.41/containers/${made.body.Id}/json`);
    await new Promise((r) => setTimeout(r, 50));
    const access = lines.filter((l) => l.includes('msg="request"'));
    expect(
      access.some((l) => /method=POST path=\/images\/create status=200 duration_ms=[\d.]+/.test(l)),
    ).toBe(true);
    expect(
      access.some((l) => /path=\/containers\/[0-9a-f]{64}\/json status=200 .*engine=node-\d/.test(l)),
    ).toBe(true);
    for (const l of lines) {
      expect(l).not.toContain(secret);
      expect(l).not.toContain(auth);
    }
  });
});
