// Swarm-mode services with the real Docker CLI 28 through Shoal on 3 plain engines (not in swarm mode):
// create (attached, to the CLI's own "converged"), ls, ps with history, inspect --pretty, scale, logs -f, rm;
// global mode; node labels, engine-label constraints and a zone preference; a task container killed by
// hand; an engine stopped; a node drained and made active again; Shoal restarted on the same store.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labStartNode, labStopNode } from '../../src/lab/lab.js';
import { cleanEngines, DOCKER, docker, engineHost, lab, startShoal, until, type Shoal } from './support.js';

let shoal: Shoal | undefined;
let S = '';
const dir = mkdtempSync(join(tmpdir(), 'shoal-services-'));
const STORE = ['--store', `file://${join(dir, 'state.json')}`];

beforeAll(async () => {
  await cleanEngines();
  shoal = await startShoal(STORE);
  S = shoal.host;
});

afterAll(async () => {
  await shoal?.stop();
  await cleanEngines();
  rmSync(dir, { recursive: true, force: true });
});

const SLEEP = ['--init', '--stop-grace-period', '1s', 'busybox:local', 'sleep', '100000'];

interface PsRow {
  name: string;
  node: string;
  desired: string;
  current: string;
}

/** `docker service ps` rows (history included unless filtered). */
async function ps(service: string, extra: string[] = []): Promise<PsRow[]> {
  const r = await docker(S, [
    'service',
    'ps',
    '--no-trunc',
    '--format',
    '{{.Name}}|{{.Node}}|{{.DesiredState}}|{{.CurrentState}}',
    ...extra,
    service,
  ]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name = '', node = '', desired = '', current = ''] = l.split('|');
      return { name, node, desired, current };
    });
}

/** The rows of tasks meant to run that run, once there are exactly `n` of them. */
function runningTasks(service: string, n: number, timeoutMs = 30_000): Promise<PsRow[]> {
  return until(
    `${n} running tasks of ${service}`,
    async () => {
      const rows = await ps(service, ['--filter', 'desired-state=running']);
      return rows.length === n && rows.every((r) => r.current.startsWith('Running')) ? rows : undefined;
    },
    timeoutMs,
  );
}

function perNode(rows: PsRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.node] = (out[r.node] ?? 0) + 1;
  return out;
}

/** Task containers of a service on each engine, asked of the engines themselves. */
async function onEngines(service: string): Promise<number[]> {
  return Promise.all(
    lab().nodes.map(async (_n, i) => {
      const r = await docker(engineHost(i), [
        'ps',
        '-q',
        '--filter',
        `label=com.docker.swarm.service.name=${service}`,
      ]);
      return r.stdout.split('\n').filter(Boolean).length;
    }),
  );
}

describe('docker service', () => {
  it('create, attached: the CLI follows the tasks to "converged"; ls, ps, inspect --pretty', async () => {
    const r = await docker(S, ['service', 'create', '--name', 'web', '--replicas', '3', ...SLEEP], {
      timeoutMs: 60_000,
    });
    process.stdout.write(`docker service create (attached):\n${r.stdout}${r.stderr}`);
    expect(r.code, r.stderr).toBe(0);
    const id = /^([0-9a-z]{25})$/m.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    // After a create the CLI follows the service by its ID.
    expect(r.stdout).toContain(`verify: Service ${id} converged`);
    const ls = await docker(S, ['service', 'ls']);
    process.stdout.write(`docker service ls:\n${ls.stdout}`);
    expect(ls.stdout).toMatch(/^[0-9a-z]{12}\s+web\s+replicated\s+3\/3\s+busybox:local\s*$/m);
    const rows = await runningTasks('web', 3);
    expect(rows.map((x) => x.name).sort()).toEqual(['web.1', 'web.2', 'web.3']);
    expect(Object.values(perNode(rows))).toEqual([1, 1, 1]);
    const pretty = await docker(S, ['service', 'inspect', '--pretty', 'web']);
    expect(pretty.code, pretty.stderr).toBe(0);
    expect(pretty.stdout).toMatch(/^Name:\s+web$/m);
    expect(pretty.stdout).toMatch(/^Service Mode:\s+Replicated$/m);
    expect(pretty.stdout).toMatch(/^ Replicas:\s+3$/m);
    expect(pretty.stdout).toMatch(/^ Image:\s+busybox:local$/m);
    expect(await onEngines('web')).toEqual([1, 1, 1]);
  });

  it('scale up (attached) and down: two per engine, then the highest slots go', async () => {
    const up = await docker(S, ['service', 'scale', 'web=6'], { timeoutMs: 60_000 });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('web scaled to 6');
    expect(up.stdout).toContain('verify: Service web converged');
    expect(Object.values(perNode(await runningTasks('web', 6)))).toEqual([2, 2, 2]);
    const down = await docker(S, ['service', 'scale', '-d', 'web=2']);
    expect(down.code, down.stderr).toBe(0);
    const rows = await runningTasks('web', 2);
    expect(rows.map((x) => x.name).sort()).toEqual(['web.1', 'web.2']);
    await until(
      'surplus containers gone',
      async () => (await onEngines('web')).reduce((a, b) => a + b) === 2,
    );
  });

  it('a task container killed by hand is replaced in its slot; ps shows the history', async () => {
    const victim = (
      await docker(S, ['ps', '-q', '--no-trunc', '--filter', 'label=com.docker.swarm.task.name'])
    ).stdout
      .split('\n')
      .filter(Boolean)[0];
    expect(victim).toBeDefined();
    const inspect = await docker(S, [
      'inspect',
      '--format',
      '{{index .Config.Labels "com.docker.swarm.task.name"}}',
      victim ?? '',
    ]);
    const slot = inspect.stdout.trim().split('.').slice(0, 2).join('.');
    const kill = await docker(S, ['kill', victim ?? '']);
    expect(kill.code, kill.stderr).toBe(0);
    // The slot's rows, newest first: the successor running, then the killed task, shut down as failed.
    const inSlot = await until(
      'replacement running',
      async () => {
        const rows = (await ps(slot.split('.')[0] ?? '')).filter((r) => r.name === slot);
        return rows.length >= 2 && rows[0]?.current.startsWith('Running') ? rows : undefined;
      },
      30_000,
    );
    process.stdout.write(
      `docker service ps, slot ${slot}:\n${inSlot.map((r) => Object.values(r).join('  ')).join('\n')}\n`,
    );
    expect(inSlot[0]?.desired).toBe('Running');
    expect(inSlot.slice(1).some((r) => r.desired === 'Shutdown' && r.current.startsWith('Failed'))).toBe(
      true,
    );
    // The table shows the history under the slot's running task.
    const table = await docker(S, ['service', 'ps', 'web']);
    expect(table.stdout).toContain(`\\_ ${slot} `);
  });

  it('logs, and logs -f, merged over the engines with the task and node names', async () => {
    const r = await docker(S, [
      'service',
      'create',
      '-d',
      '--name',
      'talk',
      '--replicas',
      '3',
      '--init',
      '--stop-grace-period',
      '1s',
      'busybox:local',
      'sh',
      '-c',
      'echo hello from $(hostname); exec sleep 100000',
    ]);
    expect(r.code, r.stderr).toBe(0);
    await runningTasks('talk', 3);
    const logs = await until('three lines', async () => {
      const l = await docker(S, ['service', 'logs', 'talk']);
      return l.stdout.trim().split('\n').length === 3 ? l : undefined;
    });
    process.stdout.write(`docker service logs talk:\n${logs.stdout}`);
    for (const line of logs.stdout.trim().split('\n')) {
      expect(line).toMatch(/^talk\.[123]\.[0-9a-z]{12}@node-[012]\s+\| hello from [0-9a-f]{12}$/);
    }
    const follow = spawn(DOCKER, ['service', 'logs', '-f', '--tail', '1', 'talk'], {
      env: { ...process.env, DOCKER_HOST: S },
    });
    let out = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until('followed lines', () => out.trim().split('\n').length >= 3, 10_000);
    // A new task while following: its line arrives on the open stream.
    await docker(S, ['service', 'scale', '-d', 'talk=4']);
    await until('line of the new task', () => /talk\.4\.[0-9a-z]{12}@node-\d\s+\| hello/.test(out), 20_000);
    follow.kill('SIGINT');
  });

  it('global mode: one task per engine', async () => {
    const r = await docker(S, ['service', 'create', '-d', '--name', 'agent', '--mode', 'global', ...SLEEP]);
    expect(r.code, r.stderr).toBe(0);
    const rows = await runningTasks('agent', 3);
    expect(Object.keys(perNode(rows)).sort()).toEqual(['node-0', 'node-1', 'node-2']);
    const ls = await docker(S, ['service', 'ls', '--filter', 'name=agent']);
    expect(ls.stdout).toMatch(/\sagent\s+global\s+3\/3\s/);
    // The CLI reads the service and refuses itself, as against swarm mode.
    const scale = await docker(S, ['service', 'scale', 'agent=2']);
    expect(scale.code).toBe(1);
    expect(scale.stderr).toContain('scale can only be used with replicated or replicated-job mode');
  });

  it('a node label used by a constraint, and a zone preference', async () => {
    const label = await docker(S, ['node', 'update', '--label-add', 'disk=fast', 'node-2']);
    expect(label.code, label.stderr).toBe(0);
    const pinned = await docker(S, [
      'service',
      'create',
      '-d',
      '--name',
      'fast',
      '--replicas',
      '3',
      '--constraint',
      'node.labels.disk==fast',
      ...SLEEP,
    ]);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(perNode(await runningTasks('fast', 3))).toEqual({ 'node-2': 3 });
    const spread = await docker(S, [
      'service',
      'create',
      '-d',
      '--name',
      'zoned',
      '--replicas',
      '6',
      '--placement-pref',
      'spread=engine.labels.zone',
      ...SLEEP,
    ]);
    expect(spread.code, spread.stderr).toBe(0);
    expect(Object.values(perNode(await runningTasks('zoned', 6)))).toEqual([2, 2, 2]);
    const nowhere = await docker(S, [
      'service',
      'create',
      '-d',
      '--name',
      'nowhere',
      '--constraint',
      'node.labels.disk==slow',
      ...SLEEP,
    ]);
    expect(nowhere.code, nowhere.stderr).toBe(0);
    const pending = await until('pending with a reason', async () => {
      const r = await docker(S, [
        'service',
        'ps',
        '--no-trunc',
        '--format',
        '{{.CurrentState}}|{{.Error}}',
        'nowhere',
      ]);
      return r.stdout.includes('no suitable node') ? r.stdout : undefined;
    });
    expect(pending).toMatch(
      /^Pending .*\|"no suitable node \(scheduling constraints not satisfied on 3 nodes\)"$/m,
    );
    for (const s of ['fast', 'zoned', 'nowhere', 'agent', 'talk'])
      expect((await docker(S, ['service', 'rm', s])).code).toBe(0);
  });

  it('drain empties a node; made active, it gets tasks on the next scale', async () => {
    await docker(S, ['service', 'scale', '-d', 'web=3']);
    await runningTasks('web', 3);
    const drain = await docker(S, ['node', 'update', '--availability', 'drain', 'node-1']);
    expect(drain.code, drain.stderr).toBe(0);
    await until('node-1 empty', async () => {
      const rows = await runningTasks('web', 3);
      return rows.every((r) => r.node !== 'node-1') ? true : undefined;
    });
    expect((await onEngines('web'))[1]).toBe(0);
    await docker(S, ['node', 'update', '--availability', 'active', 'node-1']);
    await docker(S, ['service', 'scale', '-d', 'web=6']);
    const rows = await runningTasks('web', 6);
    expect(perNode(rows)['node-1']).toBeGreaterThan(0);
  });

  it('an engine stopped: its tasks run elsewhere; back, its old containers go', async () => {
    await docker(S, ['service', 'scale', '-d', 'web=3']);
    await until('one per node', async () => {
      const rows = await runningTasks('web', 3);
      return Object.keys(perNode(rows)).length === 3 ? true : undefined;
    });
    await labStopNode(lab(), 0);
    try {
      const moved = await until(
        'web off node-0',
        async () => {
          const rows = await ps('web', ['--filter', 'desired-state=running']);
          return rows.length === 3 &&
            rows.every((r) => r.node !== 'node-0' && r.current.startsWith('Running'))
            ? rows
            : undefined;
        },
        40_000,
      );
      expect(moved).toHaveLength(3);
    } finally {
      await labStartNode(lab(), 0);
    }
    await until('no web container left on node-0', async () => (await onEngines('web'))[0] === 0, 40_000);
    expect(await runningTasks('web', 3)).toHaveLength(3);
  });

  it('Shoal restarted on the same store loses nothing and duplicates nothing', async () => {
    const before = (await ps('web', ['--filter', 'desired-state=running'])).map((r) => r.name).sort();
    const ids = (await docker(S, ['service', 'ls', '-q'])).stdout.trim();
    await shoal?.stop();
    shoal = await startShoal(STORE);
    S = shoal.host;
    expect((await docker(S, ['service', 'ls', '-q'])).stdout.trim()).toBe(ids);
    const after = await runningTasks('web', 3);
    expect(after.map((r) => r.name).sort()).toEqual(before);
    // Some time for a confused loop to make more; there must still be exactly three.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await onEngines('web')).reduce((a, b) => a + b)).toBe(3);
  });

  it('rm: every task container goes from every engine', async () => {
    const rm = await docker(S, ['service', 'rm', 'web']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout.trim()).toBe('web');
    await until('no task containers', async () => (await onEngines('web')).every((n) => n === 0), 30_000);
    const none = await docker(S, ['service', 'inspect', 'web']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no such service: web');
  });
});
