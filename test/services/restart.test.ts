// The restart policy: a task that ended is replaced in its own slot, after Delay, within MaxAttempts per
// Window; condition none and on-failure keep a slot as it ended.
import { describe, expect, it } from 'vitest';
import { wakeAt } from '../../src/services/reconcile.js';
import { restartVerdict } from '../../src/services/restart.js';
import { brief, facts, only, run, service, T0, task } from './fixtures.js';

describe('restart policy', () => {
  it('replaces a failed task in the same slot, starting only after the delay', () => {
    const s = service('s', { replicas: 3 });
    const t = task('t', s, { slot: 2, node: 'n1' });
    const actions = run({
      services: [s],
      tasks: [t],
      containers: [facts(s, t, { state: 'exited', exitCode: 1 })],
    });
    expect(only(actions, 'markTask')).toMatchObject([
      { taskId: 't', state: 'failed', err: 'task: non-zero exit (1)' },
    ]);
    expect(only(actions, 'shutdownTask')).toMatchObject([{ taskId: 't', desiredState: 'shutdown' }]);
    const creates = only(actions, 'createTask');
    expect(creates.find((a) => a.slot === 2)).toMatchObject({
      desiredState: 'ready',
      notBefore: T0 + 5000,
      replaces: 't',
    });
    expect(creates.map((a) => a.slot)).toEqual([2, 1, 3]);
  });

  it('a successor waiting for its delay is neither placed nor started until it is due (no pull before)', () => {
    const s = service('s', { replicas: 1 });
    const waiting = task('w', s, { slot: 1, state: 'new', desired: 'ready', notBefore: T0 + 5000 });
    const scene = { services: [s], tasks: [waiting], containers: [] };
    const early = run({ ...scene, now: T0 + 4999 });
    expect(only(early, 'placeTask')).toEqual([]);
    expect(only(early, 'startTask')).toEqual([]);
    const due = run({ ...scene, now: T0 + 5000 });
    expect(only(due, 'placeTask')).toMatchObject([{ taskId: 'w' }]);
  });

  it('with Delay 0, the successor is desired running at once', () => {
    const s = service('s', { restart: { Condition: 'any', Delay: 0 } });
    const t = task('t', s, { slot: 1, node: 'n1' });
    const actions = run({ services: [s], tasks: [t], containers: [facts(s, t, { state: 'exited' })] });
    expect(brief(actions)).toEqual([
      'markTask:t:complete',
      'shutdownTask:t:shutdown',
      'createTask:s/1:running',
    ]);
  });

  it("starts the successor once its delay is over and the old task's process has stopped", () => {
    const s = service('s');
    const old = task('a', s, { slot: 1, node: 'n1', state: 'failed', desired: 'shutdown' });
    const next = (notBefore: number) =>
      task('b', s, { slot: 1, node: 'n2', state: 'ready', desired: 'ready', notBefore, at: T0 - 1000 });
    const stopped = facts(s, old, { state: 'exited', exitCode: 1 });
    const b = next(T0 - 1);
    const created = facts(s, b, { state: 'created' });
    expect(brief(run({ services: [s], tasks: [old, b], containers: [stopped, created] }))).toEqual([
      'startTask:b',
      'startContainer:c-b',
    ]);
    const early = next(T0 + 1);
    expect(
      run({
        services: [s],
        tasks: [old, early],
        containers: [stopped, facts(s, early, { state: 'created' })],
      }),
    ).toEqual([]);
    // The old process still runs (an unhealthy container): it is stopped first; the new one waits.
    const running = facts(s, old, { health: 'unhealthy' });
    expect(brief(run({ services: [s], tasks: [old, b], containers: [running, created] }))).toEqual([
      'stopContainer:c-a',
    ]);
  });

  it('fails an unhealthy task and replaces it; the old container stops gently', () => {
    const s = service('s');
    const t = task('t', s, { slot: 1, node: 'n1' });
    const actions = run({ services: [s], tasks: [t], containers: [facts(s, t, { health: 'unhealthy' })] });
    expect(brief(actions)).toEqual([
      'markTask:t:failed',
      'shutdownTask:t:shutdown',
      'createTask:s/1:ready',
      'stopContainer:c-t',
    ]);
  });

  it('condition none: never restarted, and the slot stays as it ended', () => {
    const s = service('s', { restart: { Condition: 'none' } });
    const t = task('t', s, { slot: 1, node: 'n1' });
    const exited = facts(s, t, { state: 'exited', exitCode: 3 });
    expect(brief(run({ services: [s], tasks: [t], containers: [exited] }))).toEqual([
      'markTask:t:failed',
      'shutdownTask:t:shutdown',
    ]);
    const ended = task('t', s, { slot: 1, node: 'n1', state: 'failed', desired: 'shutdown' });
    expect(run({ services: [s], tasks: [ended], containers: [exited] })).toEqual([]);
  });

  it('on-failure: restarted after a non-zero exit, not after a success', () => {
    const s = service('s', { restart: { Condition: 'on-failure', Delay: 0 } });
    const t = task('t', s, { slot: 1, node: 'n1' });
    const ok = run({
      services: [s],
      tasks: [t],
      containers: [facts(s, t, { state: 'exited', exitCode: 0 })],
    });
    expect(only(ok, 'createTask')).toEqual([]);
    const bad = run({
      services: [s],
      tasks: [t],
      containers: [facts(s, t, { state: 'exited', exitCode: 2 })],
    });
    expect(only(bad, 'createTask')).toMatchObject([{ slot: 1, desiredState: 'running', replaces: 't' }]);
  });

  it('a container that failed to start is a failure, with the engine error', () => {
    const s = service('s', { restart: { Condition: 'on-failure' } });
    const t = task('t', s, { slot: 1, node: 'n1', state: 'starting' });
    const c = facts(s, t, { state: 'created', exitCode: 127, error: 'exec: "/nonexistent": no such file' });
    const actions = run({ services: [s], tasks: [t], containers: [c] });
    expect(only(actions, 'markTask')).toMatchObject([
      {
        state: 'failed',
        message: 'starting',
        err: 'starting container failed: exec: "/nonexistent": no such file',
      },
    ]);
    expect(only(actions, 'createTask')).toHaveLength(1);
  });

  it('MaxAttempts counts the restarts of the slot within Window, under the current spec only', () => {
    const s = service('s', { restart: { MaxAttempts: 2, Window: 60e9, Delay: 0 } });
    const failed = (history: number[], specVersion = 1) =>
      task('t', s, { slot: 1, node: 'n1', state: 'failed', history, specVersion });
    expect(restartVerdict(failed([T0 - 10_000, T0 - 5000]), 'failed', 1, T0)).toMatchObject({
      restart: false,
    });
    expect(restartVerdict(failed([T0 - 120_000, T0 - 5000]), 'failed', 1, T0)).toEqual({
      restart: true,
      delayMs: 0,
      history: [T0 - 5000, T0],
    });
    expect(restartVerdict(failed([T0 - 10_000, T0 - 5000], 0), 'failed', 1, T0)).toMatchObject({
      restart: true,
      history: [T0],
    });
    const noWindow = service('s', { restart: { MaxAttempts: 2 } });
    const old = task('t', noWindow, { state: 'failed', history: [T0 - 9e9, T0 - 8e9] });
    expect(restartVerdict(old, 'failed', 1, T0)).toMatchObject({ restart: false });
  });

  it('a slot whose restarts are used up stays taken (no new task)', () => {
    const s = service('s', { restart: { MaxAttempts: 1 } });
    const t = task('t', s, {
      slot: 1,
      node: 'n1',
      state: 'failed',
      desired: 'shutdown',
      history: [T0 - 1000],
    });
    expect(
      run({ services: [s], tasks: [t], containers: [facts(s, t, { state: 'exited', exitCode: 1 })] }),
    ).toEqual([]);
  });

  it('a global task is restarted on its own node', () => {
    const g = service('g', { global: true });
    const ts = ['n1', 'n2', 'n3'].map((n) => task(`t-${n}`, g, { node: n }));
    const containers = ts.map((t) => facts(g, t, t.NodeID === 'n2' ? { state: 'exited', exitCode: 1 } : {}));
    const creates = only(run({ services: [g], tasks: ts, containers }), 'createTask');
    expect(creates).toMatchObject([{ slot: 0, nodeId: 'n2', replaces: 't-n2', desiredState: 'ready' }]);
  });

  it('tells the loop when the next delayed start is due', () => {
    const s = service('s');
    const waiting = (id: string, notBefore: number, desired: 'ready' | 'running' = 'ready') =>
      task(id, s, { desired, notBefore });
    expect(
      wakeAt([waiting('a', T0 + 5000), waiting('b', T0 + 2000), waiting('c', T0 + 1000, 'running')], T0),
    ).toBe(T0 + 2000);
    expect(wakeAt([waiting('a', T0 - 1), task('b', s)], T0)).toBeUndefined();
  });
});
