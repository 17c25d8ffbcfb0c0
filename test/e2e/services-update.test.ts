// Rolling updates and rollback with the real Docker CLI 28 through Shoal on 3 plain engines: an attached
// `docker service update --image` two at a time with a delay (its progress, its end, the task history), a
// failing update paused then `docker service rollback`, `--update-failure-action rollback` going back by
// itself, `--update-order start-first` keeping every replica up, and Shoal restarted mid-update.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEngines, docker, engineHost, lab, startShoal, until, type Shoal } from './support.js';

let shoal: Shoal | undefined;
let S = '';
let api = '';
const dir = mkdtempSync(join(tmpdir(), 'shoal-update-'));
const STORE = ['--store', `file://${join(dir, 'state.json')}`];

beforeAll(async () => {
  await cleanEngines();
  // A second tag of the lab's image on every engine: the "new version".
  for (const [i] of lab().nodes.entries()) {
    const tag = await docker(engineHost(i), ['tag', 'busybox:local', 'busybox:other']);
    expect(tag.code, tag.stderr).toBe(0);
  }
  shoal = await startShoal(STORE);
  S = shoal.host;
  api = S.replace('tcp://', 'http://');
});

afterAll(async () => {
  await shoal?.stop();
  await cleanEngines();
  for (const [i] of lab().nodes.entries()) await docker(engineHost(i), ['rmi', 'busybox:other']);
  rmSync(dir, { recursive: true, force: true });
});

interface TaskJson {
  ID: string;
  Slot: number;
  CreatedAt: string;
  DesiredState: string;
  Spec: { ContainerSpec: { Image: string; Args?: string[] } };
  Status: { State: string; Timestamp: string };
}

interface UpdateStatus {
  State: string;
  StartedAt?: string;
  CompletedAt?: string;
  Message?: string;
}

async function tasks(service: string): Promise<TaskJson[]> {
  const f = encodeURIComponent(JSON.stringify({ service: { [service]: true } }));
  return (await (await fetch(`${api}/v1.41/tasks?filters=${f}`)).json()) as TaskJson[];
}

async function updateStatus(service: string): Promise<UpdateStatus | undefined> {
  const s = (await (await fetch(`${api}/v1.41/services/${service}`)).json()) as {
    UpdateStatus?: UpdateStatus;
  };
  return s.UpdateStatus;
}

/** Tasks meant to run and running. */
async function up(service: string): Promise<TaskJson[]> {
  return (await tasks(service)).filter((t) => t.DesiredState === 'running' && t.Status.State === 'running');
}

/** Samples the running count while `work` runs: the lowest seen. */
async function lowestWhile<T>(service: string, work: Promise<T>): Promise<{ result: T; lowest: number }> {
  let lowest = Infinity;
  let done = false;
  const watching = (async () => {
    while (!done) {
      lowest = Math.min(lowest, (await up(service)).length);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const result = await work;
  done = true;
  await watching;
  return { result, lowest };
}

const SLEEP = ['--init', '--stop-grace-period', '1s', 'busybox:local', 'sleep', '100000'];

async function create(name: string, replicas: number, extra: string[] = []): Promise<void> {
  const r = await docker(S, [
    'service',
    'create',
    '-d',
    '--name',
    name,
    '--replicas',
    `${replicas}`,
    ...extra,
    ...SLEEP,
  ]);
  expect(r.code, r.stderr).toBe(0);
  await until(`${replicas} running`, async () => (await up(name)).length === replicas, 30_000);
}

describe('docker service update', () => {
  it('--image, two at a time with a 1 s delay, attached: the CLI follows it to "converged"', async () => {
    await create('web', 3);
    const r = await docker(
      S,
      [
        'service',
        'update',
        '--image',
        'busybox:other',
        '--update-parallelism',
        '2',
        '--update-delay',
        '1s',
        'web',
      ],
      { timeoutMs: 90_000 },
    );
    process.stdout.write(`docker service update (attached):\n${r.stdout}${r.stderr}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('overall progress: 3 out of 3 tasks');
    expect(r.stdout).toContain('verify: Service web converged');
    // The new tasks: slots 1 and 2 together, slot 3 once they ran and the delay was over.
    const all = await tasks('web');
    const fresh = all.filter((t) => t.Spec.ContainerSpec.Image === 'busybox:other');
    expect(fresh.map((t) => t.Slot).sort()).toEqual([1, 2, 3]);
    const made = (slot: number) => Date.parse(fresh.find((t) => t.Slot === slot)?.CreatedAt ?? '');
    expect(Math.abs(made(2) - made(1))).toBeLessThan(1000);
    expect(made(3) - Math.max(made(1), made(2))).toBeGreaterThanOrEqual(1000);
    // ps: each slot's new task running, its old one below it, shut down.
    const ps = await docker(S, [
      'service',
      'ps',
      '--format',
      '{{.Name}}|{{.Image}}|{{.DesiredState}}|{{.CurrentState}}',
      'web',
    ]);
    process.stdout.write(`docker service ps web:\n${ps.stdout}`);
    const rows = ps.stdout.trim().split('\n');
    for (const slot of [1, 2, 3]) {
      const mine = rows.filter((l) => l.includes(`web.${slot}|`));
      expect(mine[0]).toMatch(new RegExp(`^web\\.${slot}\\|busybox:other\\|Running\\|Running`));
      expect(mine[1]).toMatch(new RegExp(`web\\.${slot}\\|busybox:local\\|Shutdown\\|Shutdown`));
    }
    const done = await until('update completed', async () => {
      const s = await updateStatus('web');
      return s?.State === 'completed' ? s : undefined;
    });
    expect(done.Message).toBe('update completed');
    const inspect = await docker(S, ['service', 'inspect', '--format', '{{json .UpdateStatus}}', 'web']);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ State: 'completed', Message: 'update completed' });
  });

  it('a scale is no update: no UpdateStatus at all', async () => {
    const r = await docker(S, ['service', 'scale', 'web=4'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(await updateStatus('web')).toBeUndefined();
    const again = await docker(S, ['service', 'update', '-d', '--replicas', '3', 'web']);
    expect(again.code, again.stderr).toBe(0);
    await until('3 running', async () => (await up('web')).length === 3, 30_000);
    expect(await updateStatus('web')).toBeUndefined();
  });

  it('a failing update pauses (rc 1); `docker service rollback` brings the previous spec back', async () => {
    const r = await docker(
      S,
      ['service', 'update', '--args', 'false', '--update-parallelism', '1', '--update-monitor', '2s', 'web'],
      { timeoutMs: 90_000 },
    );
    process.stdout.write(`docker service update --args false (attached):\n${r.stdout}${r.stderr}`);
    expect(r.code).toBe(1);
    const named =
      /^service update paused: update paused due to failure or early termination of task ([0-9a-z]{25})$/m.exec(
        r.stderr,
      )?.[1];
    const made = (await tasks('web')).filter((t) => t.Spec.ContainerSpec.Args?.[0] === 'false');
    expect(made.map((t) => t.ID)).toContain(named);
    // The first task of the update failed: that one is named.
    expect(made[0]?.ID).toBe(named);
    expect((await updateStatus('web'))?.State).toBe('paused');
    // The other slots still run the previous spec.
    expect((await up('web')).filter((t) => t.Spec.ContainerSpec.Args?.[0] === 'sleep')).toHaveLength(2);
    const back = await docker(S, ['service', 'rollback', 'web'], { timeoutMs: 90_000 });
    process.stdout.write(`docker service rollback (attached):\n${back.stdout}${back.stderr}`);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('rollback: manually requested rollback');
    expect(back.stdout).toContain('verify: Service web converged');
    const status = await until('rollback completed', async () => {
      const s = await updateStatus('web');
      return s?.State === 'rollback_completed' ? s : undefined;
    });
    expect(status.Message).toBe('rollback completed');
    const running = await up('web');
    expect(running.map((t) => t.Spec.ContainerSpec.Args?.[0])).toEqual(['sleep', 'sleep', 'sleep']);
    // Nothing left to roll back to twice: the spec before is the failing one again.
    const inspect = await docker(S, [
      'service',
      'inspect',
      '--format',
      '{{json .PreviousSpec.TaskTemplate.ContainerSpec.Args}}',
      'web',
    ]);
    expect(JSON.parse(inspect.stdout)).toEqual(['false']);
  });

  it('--update-failure-action rollback: it goes back by itself and the CLI follows the rollback', async () => {
    const messages = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const s = await updateStatus('web');
        if (s) messages.add(`${s.State}: ${s.Message}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    const r = await docker(
      S,
      [
        'service',
        'update',
        '--args',
        'false',
        '--update-monitor',
        '2s',
        '--update-failure-action',
        'rollback',
        'web',
      ],
      { timeoutMs: 90_000 },
    );
    watching = false;
    await watch;
    process.stdout.write(`docker service update --update-failure-action rollback:\n${r.stdout}${r.stderr}`);
    process.stdout.write(`UpdateStatus seen:\n${[...messages].join('\n')}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(
      [...messages].some((m) =>
        /^rollback_started: update rolled back due to failure or early termination of task [0-9a-z]{25}$/.test(
          m,
        ),
      ),
    ).toBe(true);
    expect(r.stdout).toMatch(
      /^rollback: update rolled back due to failure or early termination of task [0-9a-z]{25}$/m,
    );
    expect(r.stdout).toContain('verify: Service web converged');
    await until(
      'rollback completed',
      async () => (await updateStatus('web'))?.State === 'rollback_completed',
    );
    const running = await up('web');
    expect(running.map((t) => t.Spec.ContainerSpec.Args?.[0])).toEqual(['sleep', 'sleep', 'sleep']);
    const prev = await docker(S, ['service', 'inspect', '--format', '{{json .PreviousSpec}}', 'web']);
    expect(prev.stdout.trim()).toBe('null');
  });

  it('--update-order start-first: the replica count never drops', async () => {
    const { result, lowest } = await lowestWhile(
      'web',
      docker(
        S,
        ['service', 'update', '--update-order', 'start-first', '--image', 'busybox:local', '--force', 'web'],
        {
          timeoutMs: 90_000,
        },
      ),
    );
    process.stdout.write(
      `docker service update --update-order start-first:\n${result.stdout}${result.stderr}`,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('verify: Service web converged');
    expect(lowest).toBeGreaterThanOrEqual(3);
    // Each old task stopped once its successor ran: history, not removed.
    const all = await tasks('web');
    expect(all.filter((t) => t.DesiredState === 'running')).toHaveLength(3);
    expect(all.filter((t) => t.DesiredState === 'shutdown').length).toBeGreaterThanOrEqual(3);
  });

  it('Shoal restarted in the middle of an update finishes it, each slot replaced once', async () => {
    const since = Date.now();
    const r = await docker(S, [
      'service',
      'update',
      '-d',
      '--image',
      'busybox:other',
      '--update-parallelism',
      '1',
      '--update-delay',
      '3s',
      '--update-order',
      'stop-first',
      'web',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const other = async () => (await up('web')).filter((t) => t.Spec.ContainerSpec.Image === 'busybox:other');
    await until('a first slot updated', async () => (await other()).length >= 1, 30_000);
    const started = (await updateStatus('web'))?.StartedAt;
    await shoal?.stop();
    shoal = await startShoal(STORE);
    S = shoal.host;
    api = S.replace('tcp://', 'http://');
    const done = await until(
      'update completed',
      async () => {
        const s = await updateStatus('web');
        return s?.State === 'completed' ? s : undefined;
      },
      60_000,
    );
    expect(done.StartedAt).toBe(started);
    const made = (await tasks('web')).filter((t) => Date.parse(t.CreatedAt) >= since);
    expect(made.map((t) => t.Slot).sort()).toEqual([1, 2, 3]);
    expect((await other()).length).toBe(3);
    expect((await docker(S, ['service', 'rm', 'web'])).code).toBe(0);
  });
});
