// E2E helpers: the lab's engines, a Shoal manager in front of them, and the real Docker CLI.
import { execFile, spawn } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { tempStore } from '../support/temp-store.js';
import { waitFor } from '../support/wait.js';
import { setLogSink } from '../../src/log.js';
import { parseManageArgs } from '../../src/config/manage.js';
import { readLab } from '../../src/lab/lab.js';
import type { LabLayout } from '../../src/lab/layout.js';
import { startManager, type Manager } from '../../src/main.js';
import { E2E_LAB } from './lab-config.js';

export const DOCKER = process.env['SHOAL_DOCKER_CLI'] ?? '/usr/local/bin/docker';

export function lab(): LabLayout {
  const l = readLab(E2E_LAB);
  if (!l) throw new Error('the e2e lab is not up (global setup failed?)');
  return l;
}

export interface Shoal {
  manager: Manager;
  host: string;
  stop(): Promise<void>;
}

/**
 * A manager in front of the e2e lab, or of `target` (another discovery, and how many engines it must see
 * healthy before it is ready).
 */
export async function startShoal(
  extra: string[] = [],
  target?: { discovery: string; engines: number },
): Promise<Shoal> {
  // SHOAL_TEST_LOG=debug shows the manager's log while debugging a test.
  const level = process.env['SHOAL_TEST_LOG'];
  setLogSink(level ? (line) => process.stderr.write(`${line}\n`) : () => undefined);
  const l = target ? undefined : lab();
  const engines = target?.engines ?? l?.nodes.length ?? 0;
  // A store file per manager (a `--store` in extra wins: the last one given counts).
  const store = tempStore();
  const config = parseManageArgs([
    '-H',
    'tcp://127.0.0.1:0',
    '--engine-refresh-min-interval',
    '1s',
    '--engine-refresh-max-interval',
    '2s',
    '--engine-failure-retry',
    '2',
    ...(level ? ['-l', level] : []),
    ...store.args,
    ...extra,
    target?.discovery ?? l?.nodes.map((n) => n.addr).join(',') ?? '',
  ]);
  const manager = await startManager(config).catch((err: unknown) => {
    store.remove();
    throw err;
  });
  await until('all engines healthy', () => manager.pool.healthy().length === engines, 30_000);
  return {
    manager,
    host: manager.urls()[0] ?? '',
    async stop() {
      await manager.stop();
      store.remove();
    },
  };
}

export interface Run {
  stdout: string;
  stderr: string;
  code: number;
  /** stdout as bytes (export, archives). */
  raw: Buffer;
}

/** Runs the Docker CLI against a host (Shoal, or an engine's socket). */
export function docker(
  host: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      DOCKER,
      args,
      {
        env: { ...process.env, DOCKER_HOST: host, DOCKER_CLI_HINTS: 'false', ...opts.env },
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'buffer',
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        if (err && (err as { killed?: boolean }).killed) {
          process.stderr.write(`TIMEOUT: DOCKER_HOST=${host} docker ${args.join(' ')}\n`);
        }
        resolve({ stdout: stdout.toString('utf8'), stderr: stderr.toString(), code, raw: stdout });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Runs Debian's docker-compose 1.29.2 against a host, in a Compose example's folder. */
export function compose(host: string, dir: string, args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'docker-compose',
      args,
      {
        cwd: dir,
        env: { ...process.env, DOCKER_HOST: host, COMPOSE_INTERACTIVE_NO_CLI: '1' },
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'buffer',
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ stdout: stdout.toString('utf8'), stderr: stderr.toString(), code, raw: stdout });
      },
    );
  });
}

/** Runs the CLI under a pseudo-terminal (util-linux `script`), for -t. */
export function dockerTty(host: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const cmd = [DOCKER, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, DOCKER_HOST: host } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end();
    child.on('close', (code) => resolve({ stdout: out, stderr: '', code: code ?? 1, raw: Buffer.from(out) }));
  });
}

export function engineHost(i: number): string {
  const node = lab().nodes[i];
  if (!node) throw new Error(`no node ${i}`);
  return `unix://${node.socket}`;
}

/** Polls every 100 ms (real engines take their time). */
export function until<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  return waitFor(what, fn, timeoutMs, 100);
}

/**
 * A test file's manager: engines cleaned and Shoal started before its tests, stopped and cleaned after.
 * `ready` receives it (tests keep its host in a variable).
 */
export function useShoal(ready: (s: Shoal) => void, extra: string[] = []): void {
  let shoal: Shoal | undefined;
  beforeAll(async () => {
    await cleanEngines();
    shoal = await startShoal(extra);
    ready(shoal);
  });
  afterAll(async () => {
    await shoal?.stop();
    await cleanEngines();
  });
}

/** Removes every container on every lab engine (directly), so each test file starts clean. */
export async function cleanEngines(): Promise<void> {
  await Promise.all(
    lab().nodes.map(async (_n, i) => {
      const ids = (await docker(engineHost(i), ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await docker(engineHost(i), ['rm', '-f', ...ids]);
    }),
  );
}

/** Replaces what legitimately differs between Shoal and a single engine: IDs, node prefixes, addresses, times. */
export function normalise(text: string): string {
  return text
    .replace(/\b[0-9a-f]{64}\b/g, '<id>')
    .replace(/\b[0-9a-f]{12}\b/g, '<short>')
    .replace(/node-\d\//g, '')
    .replace(/\b198\.18\.\d+\.\d+\b/g, '<ip>')
    .replace(/0\.0\.0\.0|\[::\]|::/g, '<ip>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '<time>')
    .replace(/\b(Less than a second|About a minute|\d+ seconds?|\d+ minutes?)\b/g, '<ago>');
}
