// `docker stack` with the real CLI 28 through Shoal on 3 plain engines: a stack file with two services, a
// network, a secret, a config, a healthcheck and an ingress-published port deploys and runs; a re-deploy with
// one change updates only that service; `stack ls/services/ps`; `stack rm` leaves nothing on any engine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, engineHost, lab, until, useShoal } from './support.js';

let S = '';
useShoal((s) => (S = s.host));

const dir = mkdtempSync(join(tmpdir(), 'shoal-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PORT = 18091;

const stack = (webReplicas: number) => `version: "3.8"
services:
  web:
    image: busybox:local
    command: ["sh", "-c", "hostname > /tmp/index.html; cat /run/secrets/db_pw >> /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
    ports: ["${PORT}:80"]
    networks: [appnet]
    secrets: [db_pw]
    healthcheck: { test: ["CMD", "test", "-f", "/tmp/index.html"], interval: 1s, timeout: 1s, retries: 2 }
    stop_grace_period: 1s
    deploy: { replicas: ${webReplicas} }
  worker:
    image: busybox:local
    command: ["sh", "-c", "cat /etc/app.conf; exec sleep 100000"]
    init: true
    networks: [appnet]
    configs: [{ source: app_conf, target: /etc/app.conf }]
    deploy: { replicas: 1, placement: { constraints: ["node.role == worker"] } }
networks:
  appnet:
secrets:
  db_pw: { file: ./db_pw.txt }
configs:
  app_conf: { file: ./app.conf }
`;

function get(): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: PORT, path: '/', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', () => resolve(''));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Containers, networks, secrets left of the stack on each engine (asked of the engines themselves). */
async function leftOnEngines(): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < lab().nodes.length; i++) {
    const ps = await docker(engineHost(i), ['ps', '-aq', '--filter', 'label=com.docker.stack.namespace=st']);
    const nets = await docker(engineHost(i), [
      'network',
      'ls',
      '-q',
      '--filter',
      'label=com.docker.stack.namespace=st',
    ]);
    out.push(...ps.stdout.split('\n').filter(Boolean), ...nets.stdout.split('\n').filter(Boolean));
  }
  return out;
}

describe('docker stack', () => {
  it('deploys a stack with a network, a secret, a config, a healthcheck and a published port', async () => {
    writeFileSync(join(dir, 'db_pw.txt'), 's3cr3t-pw\n');
    writeFileSync(join(dir, 'app.conf'), 'mode=stack\n');
    writeFileSync(join(dir, 'stack.yml'), stack(3));
    const r = await docker(S, ['stack', 'deploy', '-c', join(dir, 'stack.yml'), 'st'], { timeoutMs: 60_000 });
    process.stdout.write(`docker stack deploy:\n${r.stdout}${r.stderr}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Creating service st_web');
    const ls = await docker(S, ['stack', 'ls']);
    expect(ls.stdout).toMatch(/^st\s+2\s*$/m);
    await until(
      'all running',
      async () => {
        const s = await docker(S, ['stack', 'services', 'st']);
        return /st_web\s+replicated\s+3\/3\s+busybox:local\s+\*:18091->80\/tcp/.test(s.stdout) &&
          /st_worker\s+replicated\s+1\/1/.test(s.stdout)
          ? s.stdout
          : undefined;
      },
      60_000,
    );
    // Every replica answers on the published port, with the secret's content the task read from its file.
    // Through the ingress once healthy (the health check runs every second).
    await until(
      'answered through the ingress',
      async () => ((await get()) !== '' ? true : undefined),
      30_000,
    );
    // The ingress balances over the replicas that are healthy: each turns healthy on its own first check,
    // so all three may take a few seconds after the first answers.
    const seen = new Set<string>();
    await until(
      'all 3 replicas answered through the ingress',
      async () => {
        for (let i = 0; i < 10; i++) {
          const body = await get();
          if (body === '') continue;
          expect(body).toContain('s3cr3t-pw');
          seen.add(body.split('\n')[0] ?? '');
        }
        return seen.size === 3 ? true : undefined;
      },
      30_000,
    );
    expect(seen.size).toBe(3);
    const logs = await until('worker read its config', async () => {
      const l = await docker(S, ['service', 'logs', 'st_worker']);
      return l.stdout.includes('mode=stack') ? l.stdout : undefined;
    });
    expect(logs).toMatch(/st_worker\.1\.[0-9a-z]{12}@node-\d\s+\| mode=stack/);
    const ps = await docker(S, ['stack', 'ps', 'st', '--format', '{{.Name}} {{.CurrentState}}']);
    expect(ps.stdout.split('\n').filter((l) => l.includes('Running'))).toHaveLength(4);
    const inspect = await docker(S, ['service', 'inspect', 'st_web']);
    expect(inspect.stdout).not.toContain('s3cr3t-pw');
  });

  it('a re-deploy with one change updates that service only', async () => {
    const before = await docker(S, [
      'service',
      'inspect',
      '-f',
      '{{.Version.Index}} {{.UpdatedAt}}',
      'st_worker',
    ]);
    writeFileSync(join(dir, 'stack.yml'), stack(4));
    const r = await docker(S, ['stack', 'deploy', '-c', join(dir, 'stack.yml'), 'st'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    await until(
      '4 web replicas',
      async () => /st_web\s+replicated\s+4\/4/.test((await docker(S, ['stack', 'services', 'st'])).stdout),
      60_000,
    );
    // The worker's spec did not change: its tasks were not replaced (one task, never restarted).
    const worker = await docker(S, ['service', 'ps', '-q', 'st_worker']);
    expect(worker.stdout.trim().split('\n')).toHaveLength(1);
    const status = await docker(S, [
      'service',
      'inspect',
      '-f',
      '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}',
      'st_worker',
    ]);
    expect(status.stdout.trim()).toBe('');
    expect(before.code).toBe(0);
  });

  it('stack rm leaves nothing behind on any engine', async () => {
    const r = await docker(S, ['stack', 'rm', 'st']);
    expect(r.code, r.stderr).toBe(0);
    await until(
      'nothing left',
      async () => ((await leftOnEngines()).length === 0 ? true : undefined),
      60_000,
    );
    expect((await docker(S, ['secret', 'ls', '-q'])).stdout.trim()).toBe('');
    expect((await docker(S, ['config', 'ls', '-q'])).stdout.trim()).toBe('');
    expect(await get()).toBe('');
  });
});
