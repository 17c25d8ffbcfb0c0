// Rescheduling: containers with reschedule:on-node-failure move when their engine stops, keep their name
// and swarm ID, and their stale copy is removed when the engine returns.
import { expect, it } from 'vitest';
import { labStartNode, labStopNode } from '../../src/lab/lab.js';
import { docker, engineHost, lab, until, useShoal } from './support.js';

let S = '';

useShoal((s) => (S = s.host));

/** One counter's value in Shoal's /metrics (its labels given as they appear, sorted: `filter="constraint"`). */
async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${S.replace('tcp://', 'http://')}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const nodeOf = async (name: string) =>
  (await docker(S, ['inspect', '--format', '{{.Node.Name}} {{.State.Status}}', name])).stdout.trim();

it('moves on-node-failure containers off a stopped engine and removes the stale copy when it returns', async () => {
  // Scraped before and after: a placement that fits nowhere and a move count in /metrics.
  const failedBefore = await metric('shoal_scheduling_failures_total', 'filter="constraint"');
  const movedBefore = await metric('shoal_reschedules_total', 'result="moved"');
  const nowhere = await docker(S, ['run', '-d', '-e', 'constraint:node==nowhere', 'busybox:local', 'true']);
  expect(nowhere.code).toBe(125);
  expect(await metric('shoal_scheduling_failures_total', 'filter="constraint"')).toBe(failedBefore + 1);
  await docker(S, [
    'run',
    '-d',
    '--init',
    '--name',
    'mover',
    '-e',
    'reschedule:on-node-failure',
    '-e',
    'constraint:node==~node-1',
    '-l',
    'app=mover',
    'busybox:local',
    'sleep',
    '600',
  ]);
  await docker(S, [
    'run',
    '-d',
    '--init',
    '--name',
    'stayer',
    '-e',
    'constraint:node==node-1',
    'busybox:local',
    'sleep',
    '600',
  ]);
  expect(await nodeOf('mover')).toBe('node-1 running');
  const swarmId = (
    await docker(S, ['inspect', '--format', '{{index .Config.Labels "com.docker.swarm.id"}}', 'mover'])
  ).stdout.trim();
  await labStopNode(lab(), 1);
  const moved = await until(
    'mover running elsewhere',
    async () => {
      const where = await nodeOf('mover');
      return /^node-[02] running$/.test(where) ? where : undefined;
    },
    30_000,
  );
  expect(moved).toMatch(/^node-[02] running$/);
  expect(await metric('shoal_reschedules_total', 'result="moved"')).toBe(movedBefore + 1);
  const labels = (
    await docker(S, [
      'inspect',
      '--format',
      '{{index .Config.Labels "com.docker.swarm.id"}} {{index .Config.Labels "app"}}',
      'mover',
    ])
  ).stdout.trim();
  expect(labels).toBe(`${swarmId} mover`);
  expect((await docker(S, ['ps', '-a', '--filter', 'name=stayer', '--format', '{{.Status}}'])).stdout).toBe(
    'Host Down\n',
  );
  await labStartNode(lab(), 1);
  await until(
    'stale copy gone from node-1',
    async () => {
      const direct = await docker(engineHost(1), ['ps', '-a', '--format', '{{.Names}}']);
      return (
        direct.code === 0 && !direct.stdout.split('\n').includes('mover') && direct.stdout.includes('stayer')
      );
    },
    30_000,
  );
  const all = (await docker(S, ['ps', '-a', '--filter', 'name=mover', '--format', '{{.Names}}'])).stdout
    .split('\n')
    .filter(Boolean);
  expect(all).toHaveLength(1);
  expect(all[0]).toMatch(/^node-[02]\/mover$/);
});
