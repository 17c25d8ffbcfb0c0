// Node changes: tasks on a down, drained or departed node move to another node in the same slot; a node
// that comes back has its old copies removed; a long-down node's tasks are orphaned.
import { describe, expect, it } from 'vitest';
import { brief, facts, node, only, run, service, T0, task } from './fixtures.js';

const s = service('s');

describe('node changes', () => {
  it('moves a task off a node that is down at once, in the same slot, without waiting for it', () => {
    const t = task('t', s, { slot: 1, node: 'n2' });
    const actions = run({ services: [s], tasks: [t], nodes: [node('n1'), node('n2', { state: 'down' })] });
    expect(brief(actions)).toEqual(['shutdownTask:t:shutdown', 'createTask:s/1:running']);
    expect(only(actions, 'createTask')[0]).not.toHaveProperty('notBefore');
  });

  it('drain: the replacement waits until the old container has stopped', () => {
    const t = task('t', s, { slot: 1, node: 'n2' });
    const nodes = [node('n1'), node('n2', { availability: 'drain' })];
    const actions = run({ services: [s], tasks: [t], nodes, containers: [facts(s, t)] });
    expect(brief(actions)).toEqual(['shutdownTask:t:shutdown', 'createTask:s/1:ready', 'stopContainer:c-t']);
  });

  it('a node that left the pool orphans its tasks and they move', () => {
    const t = task('t', s, { slot: 1, node: 'gone' });
    expect(brief(run({ services: [s], tasks: [t] }))).toEqual([
      'markTask:t:orphaned',
      'shutdownTask:t:shutdown',
      'createTask:s/1:running',
    ]);
  });

  it('when a down node comes back, its old copy is removed while the successor runs', () => {
    const old = task('a', s, { slot: 1, node: 'n2', desired: 'shutdown' });
    const now = task('b', s, { slot: 1, node: 'n1', at: T0 - 60_000 });
    const actions = run({ services: [s], tasks: [old, now], containers: [facts(s, old), facts(s, now)] });
    expect(brief(actions)).toEqual(['removeContainer:c-a']);
  });

  it('knows nothing about a container on a node that is down (it is not gone)', () => {
    const old = task('a', s, { slot: 1, node: 'n2', desired: 'shutdown' });
    const now = task('b', s, { slot: 1, node: 'n1', at: T0 - 60_000 });
    const nodes = [node('n1'), node('n2', { state: 'down', downSince: T0 - 3600_000 })];
    expect(run({ services: [s], tasks: [old, now], nodes, containers: [facts(s, now)] })).toEqual([]);
  });

  it("orphans a task whose node has been down for 24 h (SwarmKit's wait)", () => {
    const old = task('a', s, { slot: 1, node: 'n2', desired: 'shutdown' });
    const now = task('b', s, { slot: 1, node: 'n1', at: T0 - 60_000 });
    const nodes = [node('n1'), node('n2', { state: 'down', downSince: T0 - 25 * 3600_000 })];
    const actions = run({ services: [s], tasks: [old, now], nodes, containers: [facts(s, now)] });
    expect(brief(actions)).toEqual(['markTask:a:orphaned']);
  });

  it('new tasks avoid nodes that are down, drained or paused', () => {
    const t = task('t', s, { slot: 1, state: 'pending' });
    const nodes = [
      node('n1'),
      node('n2', { state: 'down' }),
      node('n3', { availability: 'drain' }),
      node('n4', { availability: 'pause' }),
    ];
    expect(only(run({ services: [s], tasks: [t], nodes }), 'placeTask')).toEqual([
      { kind: 'placeTask', serviceId: 's', taskId: 't', avoid: ['n2', 'n3', 'n4'] },
    ]);
  });

  it('a paused node keeps its replicated task', () => {
    const t = task('t', s, { slot: 1, node: 'n1' });
    const nodes = [node('n1', { availability: 'pause' })];
    expect(run({ services: [s], tasks: [t], nodes, containers: [facts(s, t)] })).toEqual([]);
  });
});
