// Global services: one task per eligible node that is ready and active, following node changes.
import { describe, expect, it } from 'vitest';
import { brief, facts, node, only, run, service, task } from './fixtures.js';

const g = service('g', { global: true });
const nodes = [
  node('n1'),
  node('n2', { availability: 'drain' }),
  node('n3', { state: 'down' }),
  node('n4', { availability: 'pause' }),
  node('n5'),
];

describe('global service', () => {
  it('gets one task per eligible node that is ready and active', () => {
    const creates = only(
      run({ services: [g], nodes, eligible: { g: ['n1', 'n2', 'n3', 'n4'] } }),
      'createTask',
    );
    expect(creates.map((a) => [a.nodeId, a.slot, a.desiredState])).toEqual([['n1', 0, 'running']]);
    const everywhere = only(run({ services: [g], nodes }), 'createTask');
    expect(everywhere.map((a) => a.nodeId)).toEqual(['n1', 'n5']);
  });

  it('places a new global task on its own node', () => {
    const t = task('t', g, { node: 'n1', state: 'new' });
    const actions = run({ services: [g], nodes: [node('n1')], tasks: [t] });
    expect(only(actions, 'placeTask')).toMatchObject([{ taskId: 't', nodeId: 'n1' }]);
  });

  it('a drained node loses its task (not moved); the node starts afresh when active again', () => {
    const t = task('t', g, { node: 'n2' });
    const c = facts(g, t);
    const drained = run({
      services: [g],
      nodes: [node('n2', { availability: 'drain' })],
      tasks: [t],
      containers: [c],
    });
    expect(brief(drained)).toEqual(['shutdownTask:t:remove', 'stopContainer:c-t']);
    const stopped = task('t', g, { node: 'n2', state: 'shutdown', desired: 'remove' });
    const back = run({
      services: [g],
      nodes: [node('n2')],
      tasks: [stopped],
      containers: [facts(g, t, { state: 'exited' })],
    });
    expect(brief(back)).toEqual(['removeTask:t', 'createTask:g/n2:running', 'removeContainer:c-t']);
  });

  it('a node that stops being eligible loses its task', () => {
    const t = task('t', g, { node: 'n1' });
    const actions = run({
      services: [g],
      nodes: [node('n1')],
      tasks: [t],
      containers: [facts(g, t)],
      eligible: { g: [] },
    });
    expect(only(actions, 'shutdownTask')).toMatchObject([
      { taskId: 't', desiredState: 'remove', reason: 'node no longer satisfies the constraints' },
    ]);
  });

  it('a node that is down loses its task record at once; its container goes when the node is back', () => {
    const t = task('t', g, { node: 'n3' });
    expect(brief(run({ services: [g], nodes: [node('n3', { state: 'down' })], tasks: [t] }))).toEqual([
      'removeTask:t',
    ]);
  });

  it('a paused node keeps its task and gets none', () => {
    const t = task('t', g, { node: 'n4' });
    expect(
      run({
        services: [g],
        nodes: [node('n4', { availability: 'pause' })],
        tasks: [t],
        containers: [facts(g, t)],
      }),
    ).toEqual([]);
    expect(run({ services: [g], nodes: [node('n4', { availability: 'pause' })] })).toEqual([]);
  });

  it('keeps one task per node', () => {
    const a = task('a', g, { node: 'n1' });
    const b = task('b', g, { node: 'n1', state: 'new' });
    expect(
      brief(run({ services: [g], nodes: [node('n1')], tasks: [a, b], containers: [facts(g, a)] })),
    ).toEqual(['removeTask:b']);
  });
});
