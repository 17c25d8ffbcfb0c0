// Task history, deleted services, and ownership: what goes, when, and what is never touched.
import { describe, expect, it } from 'vitest';
import { containerFacts } from '../../src/services/facts.js';
import { brief, CLUSTER, engineContainer, facts, node, run, service, T0, task } from './fixtures.js';

const s = service('s', { restart: { Condition: 'any', Delay: 0 } });

describe('task history', () => {
  const ended = (i: number) =>
    task(`old${i}`, s, {
      slot: 1,
      node: 'n1',
      state: 'failed',
      desired: 'shutdown',
      at: T0 - (10 - i) * 60_000,
    });
  const current = task('now', s, { slot: 1, node: 'n1', at: T0 - 1000 });
  const history = [1, 2, 3, 4, 5, 6].map(ended);
  const containers = [
    ...history.map((t) => facts(s, t, { state: 'exited', exitCode: 1 })),
    facts(s, current),
  ];

  it('keeps 5 tasks per slot, the running one included; the oldest ended ones go with their containers', () => {
    expect(brief(run({ services: [s], tasks: [...history, current], containers }))).toEqual([
      'removeTask:old1',
      'removeTask:old2',
      'removeContainer:c-old1',
      'removeContainer:c-old2',
    ]);
  });

  it('a limit below 0 keeps everything; 0 keeps only the newest', () => {
    const tasks = [...history, current];
    expect(run({ services: [s], tasks, containers, options: { historyLimit: -1 } })).toEqual([]);
    expect(
      run({ services: [s], tasks, containers, options: { historyLimit: 0 } }).filter(
        (a) => a.kind === 'removeTask',
      ),
    ).toHaveLength(6);
  });

  it('an option given as undefined keeps its default', () => {
    const tasks = [...history, current];
    const actions = run({ services: [s], tasks, containers, options: { historyLimit: undefined } });
    expect(actions.filter((a) => a.kind === 'removeTask')).toHaveLength(2);
  });

  it('never removes a task that is still stopping (its copy goes at once: the slot has a running task)', () => {
    const stopping = task('stopping', s, { slot: 1, node: 'n1', desired: 'shutdown', at: T0 - 86_400_000 });
    const tasks = [stopping, ...history, current];
    const actions = run({ services: [s], tasks, containers: [...containers, facts(s, stopping)] });
    expect(brief(actions).filter((a) => a.includes('stopping'))).toEqual(['removeContainer:c-stopping']);
  });
});

describe('a deleted service', () => {
  it('has its tasks stopped, then removed with their containers', () => {
    const gone = service('gone');
    const running = task('a', gone, { slot: 1, node: 'n1' });
    const ended = task('b', gone, { slot: 2, node: 'n1', state: 'complete', desired: 'shutdown' });
    const away = task('c', gone, { slot: 3, node: 'n3' });
    const nodes = [node('n1'), node('n3', { state: 'down' })];
    const containers = [facts(gone, running), facts(gone, ended, { state: 'exited' })];
    expect(brief(run({ services: [], nodes, tasks: [running, ended, away], containers }))).toEqual([
      'shutdownTask:a:remove',
      'removeTask:b',
      'removeTask:c',
      'removeContainer:c-b',
      'stopContainer:c-a',
    ]);
  });
});

describe('ownership', () => {
  it('only containers with our cluster label and the task labels become facts', () => {
    const t = task('t', s, { node: 'n1' });
    const ours = engineContainer(s, t);
    expect(containerFacts(ours, CLUSTER)).toMatchObject({ taskId: 't', serviceId: 's', running: true });
    const labels = { ...ours.labels };
    delete labels['com.docker.shoal.cluster.id'];
    expect(containerFacts({ ...ours, labels }, CLUSTER)).toBeUndefined(); // a real swarm's task container
    expect(containerFacts(ours, 'another-cluster')).toBeUndefined();
    expect(containerFacts({ ...ours, labels: null }, CLUSTER)).toBeUndefined();
    const noTask = { ...ours.labels, 'com.docker.swarm.task.id': '' };
    expect(containerFacts({ ...ours, labels: noTask }, CLUSTER)).toBeUndefined();
  });

  it('removes a container whose task is gone, and a stale copy on another node', () => {
    const t = task('t', s, { slot: 1, node: 'n1' });
    const stale = facts(s, t, { id: 'copy', nodeId: 'n2' });
    const lost = facts(s, task('x', s, { node: 'n2' }));
    expect(brief(run({ services: [s], tasks: [t], containers: [facts(s, t), stale, lost] }))).toEqual([
      'removeContainer:copy',
      'removeContainer:c-x',
    ]);
  });

  it('leaves alone a container whose labels name a task of another service', () => {
    const t = task('t', s, { slot: 1, node: 'n1' });
    const other = service('other');
    const liar = facts(other, { ...t, ServiceID: 'other' }, { id: 'liar' });
    const actions = run({ services: [s], tasks: [t], containers: [facts(s, t), liar] });
    expect(actions).toEqual([]);
  });

  it("leaves a job service's tasks alone (jobs are not emulated)", () => {
    const job = service('job');
    const spec = { ...job.Spec, Mode: { ReplicatedJob: { MaxConcurrent: 1 } } };
    const t = task('t', job, { node: 'n1', state: 'failed' });
    expect(
      run({ services: [{ ...job, Spec: spec }], tasks: [t], containers: [facts(job, t, { id: 'j' })] }),
    ).toEqual([]);
  });
});
