// Replicated services: slots 1..N, scale up into the lowest free slots, scale down in SwarmKit's order,
// one task meant to run per slot.
import { describe, expect, it } from 'vitest';
import { brief, facts, node, only, run, service, T0, task } from './fixtures.js';

const s = service('s', { replicas: 3 });

describe('replicated service', () => {
  it('gets one task per slot, 1..N, each desired running', () => {
    const actions = run({ services: [s] });
    expect(only(actions, 'createTask').map((a) => [a.slot, a.desiredState, a.specVersion])).toEqual([
      [1, 'running', 1],
      [2, 'running', 1],
      [3, 'running', 1],
    ]);
    expect(actions).toHaveLength(3);
  });

  it('places an unplaced task, and leaves a running one alone', () => {
    const t1 = task('t1', s, { slot: 1, state: 'new' });
    const t2 = task('t2', s, { slot: 2, node: 'n1' });
    const t3 = task('t3', s, { slot: 3, node: 'n2' });
    const actions = run({ services: [s], tasks: [t1, t2, t3], containers: [facts(s, t2), facts(s, t3)] });
    expect(actions).toEqual([{ kind: 'placeTask', serviceId: 's', taskId: 't1', avoid: [] }]);
  });

  it('marks a task running once its container runs', () => {
    const t1 = task('t1', s, { slot: 1, node: 'n1', state: 'assigned' });
    const actions = run({ services: [service('s')], tasks: [t1], containers: [facts(s, t1)] });
    expect(actions).toEqual([
      {
        kind: 'markTask',
        serviceId: 's',
        taskId: 't1',
        state: 'running',
        message: 'started',
        containerStatus: { ContainerID: 'c-t1', PID: 100, ExitCode: 0 },
      },
    ]);
  });

  it('scales up into the lowest free slots', () => {
    const t = task('t2', s, { slot: 2, node: 'n1' });
    const actions = run({ services: [s], tasks: [t], containers: [facts(s, t)] });
    expect(only(actions, 'createTask').map((a) => a.slot)).toEqual([1, 3]);
  });

  it('scales down non-running slots first, then from the node with most tasks, highest slot first', () => {
    const s2 = service('s', { replicas: 2 });
    const on = (id: string, slot: number, n: string) => task(id, s2, { slot, node: n });
    const ts = [
      on('a', 1, 'n1'),
      on('b', 2, 'n1'),
      on('c', 3, 'n2'),
      task('d', s2, { slot: 4, state: 'pending' }),
    ];
    ts.push(on('e', 5, 'n1'));
    const containers = ts.filter((t) => t.NodeID !== '').map((t) => facts(s2, t));
    const actions = run({ services: [s2], tasks: ts, containers });
    expect(brief(actions)).toEqual([
      'shutdownTask:b:remove',
      'shutdownTask:e:remove',
      'removeTask:d',
      'stopContainer:c-b',
      'stopContainer:c-e',
    ]);
  });

  it('scales down a task on a drained node before a running one that may stay', () => {
    const s1 = service('s', { replicas: 1 });
    const a = task('a', s1, { slot: 1, node: 'n1' });
    const b = task('b', s1, { slot: 2, node: 'n2' });
    const nodes = [node('n1', { availability: 'drain' }), node('n2')];
    const actions = run({ services: [s1], tasks: [a, b], nodes, containers: [facts(s1, a), facts(s1, b)] });
    expect(brief(actions)).toEqual(['shutdownTask:a:remove', 'stopContainer:c-a']);
  });

  it('removes a scaled-down task once its container has stopped, and its history with it', () => {
    const s0 = service('s', { replicas: 0 });
    const gone = task('a', s0, { slot: 1, node: 'n1', state: 'shutdown', desired: 'remove' });
    const old = task('b', s0, {
      slot: 1,
      node: 'n1',
      state: 'failed',
      desired: 'shutdown',
      at: T0 - 7200_000,
    });
    const c = facts(s0, gone, { state: 'exited' });
    const actions = run({ services: [s0], tasks: [gone, old], containers: [c] });
    expect(brief(actions)).toEqual(['removeTask:b', 'removeTask:a', 'removeContainer:c-a']);
  });

  it('keeps one task per slot: a newer unplaced duplicate goes, the running one stays', () => {
    const s1 = service('s');
    const a = task('a', s1, { slot: 1, node: 'n1' });
    const b = task('b', s1, { slot: 1, state: 'new', at: T0 - 60_000 });
    expect(brief(run({ services: [s1], tasks: [a, b], containers: [facts(s1, a)] }))).toEqual([
      'removeTask:b',
    ]);
  });

  it('with two copies running in a slot, keeps the newer and removes the other at once', () => {
    const s1 = service('s');
    const a = task('a', s1, { slot: 1, node: 'n1' });
    const b = task('b', s1, { slot: 1, node: 'n2', at: T0 - 60_000 });
    const actions = run({ services: [s1], tasks: [a, b], containers: [facts(s1, a), facts(s1, b)] });
    expect(brief(actions)).toEqual(['shutdownTask:a:remove', 'removeContainer:c-a']);
  });

  it('reuses a slot whose old task is still stopping, but the new task waits its turn', () => {
    const s1 = service('s');
    const old = task('a', s1, { slot: 1, node: 'n1', desired: 'remove' });
    const actions = run({ services: [s1], tasks: [old], containers: [facts(s1, old)] });
    expect(brief(actions)).toEqual(['createTask:s/1:ready', 'stopContainer:c-a']);
  });

  it('starts a created container whose task is desired running', () => {
    const s1 = service('s');
    const t = task('t', s1, { slot: 1, node: 'n1', state: 'ready' });
    const actions = run({ services: [s1], tasks: [t], containers: [facts(s1, t, { state: 'created' })] });
    expect(brief(actions)).toEqual(['startContainer:c-t']);
  });

  it('lets a slot number that is not 1.. go', () => {
    const s1 = service('s');
    const t = task('t', s1, { slot: 0, node: 'n1', state: 'complete', desired: 'shutdown' });
    const actions = run({ services: [s1], tasks: [t], nodes: [node('n1')] });
    expect(brief(actions)).toEqual(['removeTask:t', 'createTask:s/1:running']);
  });
});
