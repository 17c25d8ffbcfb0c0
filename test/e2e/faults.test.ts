// An engine that dies and comes back, and bad input: Shoal keeps serving the rest all along.
import { describe, expect, it } from 'vitest';
import { labStartNode, labStopNode } from '../../src/lab/lab.js';
import { docker, engineHost, lab, until, useShoal } from './support.js';

let S = '';

useShoal((s) => (S = s.host));

function statusOf(info: string, node: string): string | undefined {
  const block = info.split(`  ${node}: `)[1] ?? '';
  return /└ Status: (\w+)/.exec(block)?.[1];
}

describe('an engine dies', () => {
  it('shows Unhealthy within the configured window, Host Down in ps -a, and comes back Healthy', async () => {
    await docker(engineHost(1), [
      'run',
      '-d',
      '--init',
      '--name',
      'e2e-victim',
      'busybox:local',
      'sleep',
      '300',
    ]);
    await until('victim seen', async () =>
      (await docker(S, ['ps', '--format', '{{.Names}}'])).stdout.includes('node-1/e2e-victim'),
    );
    await labStopNode(lab(), 1);
    const stoppedAt = Date.now();
    await until(
      'node-1 unhealthy',
      async () => statusOf((await docker(S, ['info'])).stdout, 'node-1') === 'Unhealthy',
      10_000,
    );
    // --engine-failure-retry 2, refresh 1s–2s: the dropped event stream is noticed at once, failures counted a second apart.
    expect(Date.now() - stoppedAt).toBeLessThan(6000);
    expect((await docker(S, ['ps', '--format', '{{.Names}}'])).stdout).not.toContain('e2e-victim');
    const all = (await docker(S, ['ps', '-a', '--format', '{{.Names}} {{.Status}}'])).stdout;
    expect(all).toContain('node-1/e2e-victim Host Down');
    // The other engines keep serving, and new containers avoid the dead one.
    for (let i = 0; i < 4; i++) {
      const r = await docker(S, ['run', '-d', '--name', `e2e-during${i}`, 'busybox:local', 'sleep', '300']);
      expect(r.code).toBe(0);
    }
    const placed = (await docker(S, ['ps', '--filter', 'name=e2e-during', '--format', '{{.Names}}'])).stdout;
    expect(placed).not.toContain('node-1/');
    await labStartNode(lab(), 1);
    const startedAt = Date.now();
    await until(
      'node-1 healthy',
      async () => statusOf((await docker(S, ['info'])).stdout, 'node-1') === 'Healthy',
      15_000,
    );
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    const back = (await docker(S, ['ps', '-a', '--format', '{{.Names}} {{.Status}}'])).stdout;
    expect(back).toMatch(/node-1\/e2e-victim (Exited|Up)/);
  });
});

describe('bad input', () => {
  it('answers malformed, mistyped, unknown and oversized requests with 4xx JSON and keeps running', async () => {
    const base = S.replace('tcp://', 'http://');
    const post = (path: string, body: string) =>
      fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const cases: [Promise<Response>, number][] = [
      [post('/v1.41/containers/create', '{not json'), 400],
      [post('/v1.41/containers/create', '{"Image": 42}'), 400],
      [post('/v1.41/containers/create', '{"Image": "busybox:local", "HostConfig": {"Memory": "lots"}}'), 400],
      [post('/v1.41/containers/create?name=bad/name', '{"Image": "busybox:local"}'), 400],
      [post('/v1.41/containers/create', 'x'.repeat(20 * 1024 * 1024)), 413],
      [fetch(`${base}/v1.41/containers/nosuchthing/json`), 404],
      [fetch(`${base}/v1.41/exec/nosuchexec/json`), 404],
      [fetch(`${base}/v1.41/containers/json?filters=%7Bnope`), 400],
      [fetch(`${base}/v1.41/containers/json?limit=abc`), 400],
      [fetch(`${base}/v1.41/events?since=yesterday`), 400],
      [fetch(`${base}/v9.99/info`), 400],
      [fetch(`${base}/v1.41/no/such/route`), 404],
    ];
    for (const [pending, status] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = (await res.json()) as { message?: unknown };
      expect(typeof body.message).toBe('string');
    }
    const after = await docker(S, ['run', '--rm', 'busybox:local', 'echo', 'still here']);
    expect(after.stdout).toBe('still here\n');
  });

  it('the CLI reports engine-side errors as the engine words them', async () => {
    const r = await docker(S, ['run', '--rm', 'busybox:local', 'no-such-binary']);
    const d = await docker(engineHost(0), ['run', '--rm', 'busybox:local', 'no-such-binary']);
    expect(r.code).toBe(d.code);
    expect(r.stderr.replace(/\b[0-9a-f]{64}\b/g, 'ID')).toBe(d.stderr.replace(/\b[0-9a-f]{64}\b/g, 'ID'));
  });
});
