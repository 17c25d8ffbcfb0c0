// A busy engine stopped gracefully (SIGTERM: dockerd refuses new connections but answers on kept-alive ones
// for as long as its containers take to stop): the moved container's name keeps resolving to the live copy,
// exactly one copy runs, and the stale copy is removed when the engine returns. Classic's test flags.
import { expect, it } from 'vitest';
import { dockerdPid, isAlive } from '../../src/lab/dockerd.js';
import { labStartNode } from '../../src/lab/lab.js';
import { docker, engineHost, lab, until, useShoal } from './support.js';

let S = '';

useShoal((s) => (S = s.host), ['--engine-failure-retry', '1', '--engine-refresh-max-interval', '1s']);

const where = async () =>
  (
    await docker(S, ['inspect', '--format', '{{.Id}} {{.Node.Name}} {{.State.Status}}', 'sched-mover'])
  ).stdout.trim();
const running = async () =>
  (await docker(S, ['ps', '--filter', 'name=sched-mover', '--format', '{{.Names}}'])).stdout
    .split('\n')
    .filter(Boolean);

it('the name follows the live copy while a busy engine shuts down and after it returns', async () => {
  const node = lab().nodes[1];
  if (!node) throw new Error('no node-1');
  const run = await docker(S, [
    'run',
    '-d',
    '--init',
    '--name',
    'sched-mover',
    '-e',
    'reschedule:on-node-failure',
    '-e',
    'constraint:node==~node-1',
    'busybox:local',
    'sleep',
    '600',
  ]);
  expect(run.code, run.stderr).toBe(0);
  // Busy neighbours: httpd as PID 1 ignores SIGTERM, so the engine takes ~10 s to stop them.
  for (let i = 0; i < 6; i++)
    await docker(engineHost(1), [
      'run',
      '-d',
      '--name',
      `busy${i}`,
      'busybox:local',
      'httpd',
      '-f',
      '-p',
      '80',
    ]);
  expect(await where()).toMatch(/ node-1 running$/);
  const pid = dockerdPid(node);
  if (pid === undefined) throw new Error('no dockerd pid');
  process.kill(pid, 'SIGTERM');
  const stoppedAt = Date.now();
  const moved = await until(
    'moved',
    async () => (/ node-[02] running$/.test(await where()) ? where() : undefined),
    20_000,
  );
  const movedAfterMs = Date.now() - stoppedAt;
  // From now on, through the whole shutdown and a little after, the name means the moved copy only.
  const seen = new Set<string>();
  const counts = new Set<number>();
  for (let i = 0; i < 200 && (isAlive(pid) || i < 10); i++) {
    seen.add(await where());
    counts.add((await running()).length);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect([...seen]).toEqual([moved]);
  expect([...counts]).toEqual([1]);
  expect(isAlive(pid)).toBe(false);
  await labStartNode(lab(), 1);
  await until(
    'stale copy removed from node-1',
    async () => {
      const direct = await docker(engineHost(1), ['ps', '-a', '--format', '{{.Names}}']);
      return direct.code === 0 && !direct.stdout.split('\n').includes('sched-mover');
    },
    30_000,
  );
  expect(await where()).toBe(moved);
  expect(await running()).toHaveLength(1);
  // Reported, not a speed target: how long the move took after SIGTERM.
  console.log(`moved ${movedAfterMs} ms after SIGTERM`);
});
