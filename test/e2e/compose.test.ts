// docker-compose 1.29.2 through Shoal on 3 real engines: the web-worker-cache example spread over the
// cluster, scaled, re-upped without recreation, reachable across engines, and gone without a trace.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose, docker, engineHost, lab, until, useShoal } from './support.js';

let S = '';
useShoal((s) => (S = s.host));

const WEB = resolve('compose-examples/web-worker-cache');
const PLACED = resolve('compose-examples/constraints');

async function projectOn(project: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < lab().nodes.length; i++) {
    const ps = await docker(engineHost(i), [
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      '{{.Names}}',
    ]);
    const nets = await docker(engineHost(i), [
      'network',
      'ls',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      '{{.Name}}',
    ]);
    const vols = await docker(engineHost(i), [
      'volume',
      'ls',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      '{{.Name}}',
    ]);
    out.push(
      ...[ps.stdout, nets.stdout, vols.stdout]
        .join('\n')
        .split('\n')
        .filter(Boolean)
        .map((n) => `node-${i}:${n}`),
    );
  }
  return out;
}

describe('web + worker + cache', () => {
  it('up -d, ps, logs, scale over several engines, a second up recreates nothing, down -v leaves nothing', async () => {
    const up = await compose(S, WEB, ['-p', 'wwc', 'up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const ps = await compose(S, WEB, ['-p', 'wwc', 'ps']);
    expect(ps.stdout).toMatch(/wwc_web_1\s.*Up/);
    expect(ps.stdout).toMatch(/wwc_worker_1\s.*Up/);
    expect(ps.stdout).toMatch(/wwc_cache_1\s.*Up/);
    await until('worker logs', async () =>
      (await compose(S, WEB, ['-p', 'wwc', 'logs', '--no-color', 'worker'])).stdout.includes('tick from'),
    );
    const scaled = await compose(S, WEB, ['-p', 'wwc', 'up', '-d', '--scale', 'worker=4']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const workers = (
      await docker(S, ['ps', '--filter', 'label=com.docker.compose.service=worker', '--format', '{{.Names}}'])
    ).stdout
      .split('\n')
      .filter(Boolean);
    expect(workers).toHaveLength(4);
    expect(new Set(workers.map((w) => w.split('/')[0])).size).toBeGreaterThan(1);
    const ids = (
      await docker(S, ['ps', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=wwc'])
    ).stdout
      .split('\n')
      .filter(Boolean)
      .sort();
    const again = await compose(S, WEB, ['-p', 'wwc', 'up', '-d', '--scale', 'worker=4']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/Recreating/);
    expect(again.stderr).toMatch(/wwc_web_1 is up-to-date/);
    const after = (
      await docker(S, ['ps', '-q', '--no-trunc', '--filter', 'label=com.docker.compose.project=wwc'])
    ).stdout
      .split('\n')
      .filter(Boolean)
      .sort();
    expect(after).toEqual(ids);
    // A container on one engine reaches the web server on another engine by IP over the cluster network.
    const webNode = (await docker(S, ['inspect', '--format', '{{.Node.Name}}', 'wwc_web_1'])).stdout.trim();
    const webIp = (
      await docker(S, [
        'inspect',
        '--format',
        '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
        'wwc_web_1',
      ])
    ).stdout.trim();
    const remote = workers.find((w) => !w.startsWith(`${webNode}/`));
    expect(remote).toBeDefined();
    const got = await docker(S, [
      'exec',
      (remote ?? '').split('/')[1] ?? '',
      'sh',
      '-c',
      `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${webIp} 80`,
    ]);
    expect(got.stdout).toContain('hello from shoal lab');
    // The published port answers at the engine's address.
    const port = (await docker(S, ['port', 'wwc_web_1', '80'])).stdout.trim();
    expect(await (await fetch(`http://${port}/index.html`)).text()).toBe('hello from shoal lab\n');
    const down = await compose(S, WEB, ['-p', 'wwc', 'down', '-v']);
    expect(down.code, down.stderr).toBe(0);
    await until(
      'nothing of the project left',
      async () => (await projectOn('wwc')).length === 0 || undefined,
      20_000,
    ).catch(async () => {
      throw new Error(`left behind: ${(await projectOn('wwc')).join(', ')}`);
    });
  });
});

describe('placement from the Compose file', () => {
  it('honours constraint: and affinity: in environment:', async () => {
    const up = await compose(S, PLACED, ['-p', 'placed', 'up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const where = async (c: string) =>
      (await docker(S, ['inspect', '--format', '{{.Node.Name}}', c])).stdout.trim();
    const db = await where('placed_db_1');
    expect(['node-0', 'node-2']).toContain(db);
    expect(await where('placed_app_1')).toBe(db);
    expect(await where('placed_batch_1')).not.toBe('node-0');
    expect((await compose(S, PLACED, ['-p', 'placed', 'down', '-t', '1'])).code).toBe(0);
  });
});
