// The rolling updater in the simulated cluster: Parallelism, Delay, Order, FailureAction, Monitor,
// MaxFailureRatio, UpdateStatus with SwarmKit's texts, no-op and forced updates, a newer update cancelling
// one under way, rollback (manual and automatic, never of a rollback), and a new leader resuming.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/services/actions.js';
import { isDirty } from '../../src/services/dirty.js';
import { containerImage } from '../../src/services/spec.js';
import type { Task } from '../../src/services/types.js';
import { World } from './sim.js';
import { only } from './fixtures.js';
import {
  BAD,
  counts,
  current,
  image,
  quiet,
  rollBack,
  running,
  update,
  updateSafety,
  web,
} from './update-sim.js';

const S = 1e9;

/** Steps until `done` holds (checking the slot rules after each pass); the actions of every pass. */
function until(w: World, done: () => boolean, startFirst = false, max = 60): Action[][] {
  const passes: Action[][] = [];
  for (let i = 0; i < max && !done(); i++) {
    passes.push(w.step());
    expect(updateSafety(w, startFirst), `pass ${i}`).toEqual([]);
  }
  expect(done()).toBe(true);
  return passes;
}

const state = (w: World) => current(w).UpdateStatus?.State;
const images = (w: World) =>
  [...w.tasks.values()]
    .filter((t) => t.DesiredState === 'running' && t.Status.State === 'running')
    .map((t) => containerImage(t.Spec))
    .sort();
const made = (passes: Action[][]) =>
  passes.map((p) => only(p, 'createTask').filter((c) => c.byUpdate).length);

describe('rolling update', () => {
  it('stop-first, one at a time: slot by slot, never two running in a slot, then completed after Monitor', () => {
    const w = running(web(3, { Parallelism: 1, Monitor: 3 * S }));
    update(w, image('busybox:new'));
    let started = 0;
    const passes = until(w, () => {
      const c = counts(w);
      if (state(w) === 'updating') started++;
      // Parallelism 1, stop-first: at most one slot is down at a time.
      expect(c.all).toBeGreaterThanOrEqual(2);
      return state(w) === 'completed';
    });
    expect(started).toBeGreaterThan(0);
    expect(images(w)).toEqual(['busybox:new', 'busybox:new', 'busybox:new']);
    // Each slot's replacement waits (desired ready) until the old task has stopped.
    const creates = passes.flatMap((p) => only(p, 'createTask').filter((c) => c.byUpdate));
    expect(creates.map((c) => [c.slot, c.desiredState])).toEqual([
      [1, 'ready'],
      [2, 'ready'],
      [3, 'ready'],
    ]);
    const status = current(w).UpdateStatus;
    expect(status).toMatchObject({ State: 'completed', Message: 'update completed' });
    expect(Object.keys(status ?? {})).toEqual(['State', 'StartedAt', 'CompletedAt', 'Message']);
    // Completed one monitoring period after the last slot: not before.
    const last = Math.max(...[...w.tasks.values()].filter((t) => t.ByUpdate).map((t) => t.RunningAt ?? 0));
    expect(Date.parse(status?.CompletedAt ?? '')).toBeGreaterThanOrEqual(last + 3000);
    expect(current(w).Rollout).toBeUndefined();
    // The old tasks stay as history, shut down.
    const old = [...w.tasks.values()].filter((t) => containerImage(t.Spec) === 'busybox:local');
    expect(old.map((t) => [t.DesiredState, t.Status.State])).toEqual(Array(3).fill(['shutdown', 'shutdown']));
  });

  it('"updating" with StartedAt and "update in progress" as soon as tasks must be replaced', () => {
    const w = running(web(2));
    update(w, image('busybox:new'));
    const first = w.step();
    const u = only(first, 'updateService')[0];
    expect(u?.status).toEqual({
      State: 'updating',
      StartedAt: new Date(w.now - 1000).toISOString(),
      Message: 'update in progress',
    });
    expect(current(w).UpdateStatus?.State).toBe('updating');
    expect(current(w).Rollout).toMatchObject({ dirty: 2, failed: [] });
  });

  it('Parallelism 2 and Delay: batches of two, the next one Delay after the previous ran', () => {
    const w = running(web(5, { Parallelism: 2, Delay: 4 * S, Monitor: 1 * S }));
    update(w, image('busybox:new'));
    const at: number[] = [];
    const passes = until(w, () => state(w) === 'completed');
    let t = w.now - passes.length * 1000;
    for (const p of passes) {
      for (const c of only(p, 'createTask')) if (c.byUpdate) at.push(t);
      t += 1000;
    }
    expect(made(passes).filter((n) => n > 0)).toEqual([2, 2, 1]);
    const batches = [...new Set(at)];
    // Each batch waits for the previous one to run (a pass or two) and then the 4 s delay.
    for (let i = 1; i < batches.length; i++)
      expect((batches[i] ?? 0) - (batches[i - 1] ?? 0)).toBeGreaterThanOrEqual(4000);
  });

  it('Parallelism 0: every slot at once', () => {
    const w = running(web(4, { Parallelism: 0, Monitor: 1 * S }));
    update(w, image('busybox:new'));
    const passes = until(w, () => state(w) === 'completed');
    expect(made(passes).filter((n) => n > 0)).toEqual([4]);
  });

  it('start-first: the new task runs before the old one stops, gracefully; the count never drops', () => {
    const w = running(web(3, { Parallelism: 1, Order: 'start-first', Monitor: 1 * S }));
    update(w, image('busybox:new'));
    const passes = until(
      w,
      () => {
        expect(counts(w).all).toBeGreaterThanOrEqual(3);
        return state(w) === 'completed';
      },
      true,
    );
    const all = passes.flat();
    expect(only(all, 'createTask').every((c) => c.desiredState === 'running' && !c.replaces)).toBe(true);
    const handovers = only(all, 'shutdownTask').filter((s) => s.handover);
    expect(handovers).toHaveLength(3);
    // The old containers are stopped, not removed with force.
    for (const h of handovers) {
      expect(only(all, 'stopContainer').some((s) => s.taskId === h.taskId)).toBe(true);
      expect(only(all, 'removeContainer').some((s) => s.taskId === h.taskId)).toBe(false);
    }
    expect(images(w)).toEqual(['busybox:new', 'busybox:new', 'busybox:new']);
  });

  it('an update that changes nothing restarts nothing; a scale sets no UpdateStatus', () => {
    const w = running(web(3));
    update(w, (s) => ({ ...s, Labels: { a: 'b' } }));
    expect(quiet(w)).toBe(1);
    update(w, (s) => ({ ...s, Mode: { Replicated: { Replicas: 4 } } }));
    const passes = until(w, () => counts(w).all === 4);
    expect(passes.flat().some((a) => a.kind === 'updateService')).toBe(false);
    expect(current(w).UpdateStatus).toBeUndefined();
    expect(only(passes.flat(), 'shutdownTask')).toEqual([]);
  });

  it('a ForceUpdate bump restarts every task', () => {
    const w = running(web(3, { Parallelism: 0, Monitor: 1 * S }));
    const before = [...w.tasks.keys()];
    update(w, (s) => ({ ...s, TaskTemplate: { ...(s['TaskTemplate'] as object), ForceUpdate: 1 } }));
    until(w, () => state(w) === 'completed');
    const live = [...w.tasks.values()].filter((t) => t.DesiredState === 'running');
    expect(live).toHaveLength(3);
    expect(live.some((t) => before.includes(t.ID))).toBe(false);
  });

  it('a placement change that the node still satisfies restarts nothing; one it does not, does', () => {
    const svc = web(2);
    const w = running(svc);
    const placed = (c: string[]) => (s: Record<string, unknown>) => ({
      ...s,
      TaskTemplate: { ...(s['TaskTemplate'] as object), Placement: { Constraints: c } },
    });
    update(w, placed(['node.role==manager']));
    const task = [...w.tasks.values()][0] as Task;
    // Every node fits (eligible absent): not out of date; a node outside the eligible set: out of date.
    expect(isDirty(current(w), task)).toBe(false);
    expect(isDirty(current(w), task, new Set(['elsewhere']))).toBe(true);
    expect(quiet(w)).toBe(1);
    expect(current(w).UpdateStatus).toBeUndefined();
  });

  it('a newer update cancels the one under way: its tasks are replaced too, and it starts afresh', () => {
    const w = running(web(4, { Parallelism: 1, Monitor: 1 * S }));
    update(w, image('busybox:v2'));
    until(w, () => [...w.tasks.values()].some((t) => t.ByUpdate && t.Status.State === 'running'));
    const first = current(w).UpdateStatus;
    update(w, image('busybox:v3'));
    expect(current(w).UpdateStatus).toBeUndefined();
    w.step();
    expect(current(w).UpdateStatus?.State).toBe('updating');
    expect(current(w).UpdateStatus?.StartedAt).not.toBe(first?.StartedAt);
    until(w, () => state(w) === 'completed');
    expect(images(w)).toEqual(Array(4).fill('busybox:v3'));
  });
});

describe('update failures', () => {
  it('pause: the failing task is named, the other slots keep the old version', () => {
    const w = running(web(3, { Parallelism: 1, FailureAction: 'pause', Monitor: 5 * S }));
    update(w, image(BAD));
    until(w, () => state(w) === 'paused');
    const bad = [...w.tasks.values()].find((t) => t.ByUpdate && t.Status.State === 'failed');
    expect(current(w).UpdateStatus).toMatchObject({
      State: 'paused',
      Message: `update paused due to failure or early termination of task ${bad?.ID}`,
    });
    expect(current(w).UpdateStatus?.CompletedAt).toBeUndefined();
    // Paused: nothing more is replaced (the failed slot keeps restarting under its restart policy).
    for (let i = 0; i < 10; i++) w.step();
    expect(images(w).filter((x) => x === 'busybox:local')).toHaveLength(2);
    expect(state(w)).toBe('paused');
  });

  it('then `docker service rollback`: "manually requested rollback", then "rollback completed"', () => {
    const w = running(web(3, { Parallelism: 1, FailureAction: 'pause', Monitor: 2 * S }));
    update(w, image(BAD));
    until(w, () => state(w) === 'paused');
    const rolled = rollBack(w);
    expect(rolled.UpdateStatus).toMatchObject({
      State: 'rollback_started',
      Message: 'manually requested rollback',
    });
    expect(containerImage((rolled.Spec['TaskTemplate'] ?? {}) as Record<string, unknown>)).toBe(
      'busybox:local',
    );
    expect(rolled.PreviousSpec).toBeDefined();
    until(w, () => state(w) === 'rollback_completed');
    expect(current(w).UpdateStatus).toMatchObject({ Message: 'rollback completed' });
    expect(images(w)).toEqual(Array(3).fill('busybox:local'));
  });

  it('continue: the update goes on to the end', () => {
    const w = running(web(3, { Parallelism: 1, FailureAction: 'continue', Monitor: 1 * S }));
    update(w, image(BAD));
    until(w, () => state(w) === 'completed');
    const made = [...w.tasks.values()].filter((t) => t.ByUpdate).map((t) => t.Slot);
    expect(new Set(made)).toEqual(new Set([1, 2, 3]));
  });

  it('rollback: back to the previous spec by itself, PreviousSpec gone, then "rollback completed"', () => {
    const w = running(web(3, { Parallelism: 1, FailureAction: 'rollback', Monitor: 2 * S }));
    update(w, image(BAD));
    until(w, () => state(w) === 'rollback_started');
    const bad = [...w.tasks.values()].find((t) => t.ByUpdate && t.Status.State === 'failed');
    expect(current(w).UpdateStatus?.Message).toBe(
      `update rolled back due to failure or early termination of task ${bad?.ID}`,
    );
    expect(current(w).PreviousSpec).toBeUndefined();
    until(w, () => state(w) === 'rollback_completed');
    expect(images(w)).toEqual(Array(3).fill('busybox:local'));
  });

  it('a rollback is never rolled back: it pauses', () => {
    // The previous spec is the bad one: rolling back to it fails too.
    const w = running(
      web(2, { Parallelism: 1, Monitor: 1 * S }, { FailureAction: 'rollback', Monitor: 2 * S }),
    );
    w.exitOnStart = (t) => (containerImage(t.Spec) === 'busybox:local' ? 1 : undefined);
    update(w, image('busybox:good'));
    until(w, () => state(w) === 'completed');
    rollBack(w);
    until(w, () => state(w) === 'rollback_paused');
    expect(current(w).UpdateStatus?.Message).toMatch(
      /^rollback paused due to failure or early termination of task \w+$/,
    );
  });

  it('Monitor: a new task ending within it is a failure; after it, not', () => {
    const w = running(web(2, { Parallelism: 1, Monitor: 5 * S }));
    update(w, image('busybox:new'));
    until(w, () => [...w.tasks.values()].some((t) => t.ByUpdate && t.Status.State === 'running'));
    // Within Monitor of running: the first new task exits.
    const crash = () => {
      const t = [...w.tasks.values()].find((x) => x.ByUpdate && x.Status.State === 'running');
      const c = t && w.containers.get(`c-${t.ID}`);
      if (c) w.containers.set(c.id, { ...c, state: 'exited', exitCode: 2 });
    };
    crash();
    until(w, () => state(w) === 'paused');

    const late = running(web(2, { Parallelism: 1, Monitor: 2 * S, Delay: 5 * S }));
    update(late, image('busybox:new'));
    until(late, () => [...late.tasks.values()].some((t) => t.ByUpdate && t.Status.State === 'running'));
    late.now += 3000;
    const t = [...late.tasks.values()].find((x) => x.ByUpdate && x.Status.State === 'running');
    const c = t && late.containers.get(`c-${t.ID}`);
    if (c) late.containers.set(c.id, { ...c, state: 'exited', exitCode: 2 });
    until(late, () => state(late) === 'completed');
  });

  it('MaxFailureRatio: failures up to the ratio of out-of-date slots are tolerated', () => {
    // 4 slots, ratio 0.5: the third failure (3/4 > 0.5) pauses; two (2/4) do not.
    const w = running(web(4, { Parallelism: 1, MaxFailureRatio: 0.5, Monitor: 1 * S }));
    update(w, image(BAD));
    until(w, () => state(w) === 'paused');
    expect(current(w).Rollout).toBeUndefined();
    const failed = [...w.tasks.values()].filter((t) => t.ByUpdate && t.Status.State === 'failed');
    expect(new Set(failed.map((t) => t.Slot))).toEqual(new Set([1, 2, 3]));
  });

  it('an old task that crashes during the update is restarted from the new spec, not counted', () => {
    const w = running(web(3, { Parallelism: 1, Delay: 3 * S, Monitor: 1 * S }));
    update(w, image('busybox:new'));
    w.step();
    const old = [...w.tasks.values()].find((t) => t.Slot === 3 && t.DesiredState === 'running');
    const c = old && w.containers.get(`c-${old.ID}`);
    if (c) w.containers.set(c.id, { ...c, state: 'exited', exitCode: 1 });
    until(w, () => state(w) === 'completed');
    expect(images(w)).toEqual(Array(3).fill('busybox:new'));
    const slot3 = [...w.tasks.values()].filter((t) => t.Slot === 3 && t.DesiredState === 'running');
    expect(slot3.map((t) => t.ByUpdate)).toEqual([undefined]);
  });
});

describe('a new leader', () => {
  it('resumes from the records: the same Delay, the same final Monitor, the same failures', () => {
    const cfg = { Parallelism: 1, Delay: 3 * S, Monitor: 4 * S };
    const w = running(web(3, cfg));
    update(w, image('busybox:new'));
    const plain = running(web(3, cfg));
    update(plain, image('busybox:new'));
    // Fail over in the middle: a world rebuilt from the stored records (tasks, services) and the engines.
    for (let i = 0; i < 6; i++) {
      w.step();
      plain.step();
    }
    const next = new World(w.now, w.nodes, w.services, [...w.tasks.values()], [...w.containers.values()]);
    const a = until(next, () => state(next) === 'completed');
    const b = until(plain, () => state(plain) === 'completed');
    expect(made(a)).toEqual(made(b));
    expect(current(next).UpdateStatus?.CompletedAt).toBe(current(plain).UpdateStatus?.CompletedAt);
  });

  it('during the final Monitor: completes when the first leader would have', () => {
    const w = running(web(2, { Parallelism: 0, Monitor: 6 * S }));
    update(w, image('busybox:new'));
    until(w, () => current(w).Rollout?.doneAt !== undefined);
    const doneAt = current(w).Rollout?.doneAt ?? 0;
    const next = new World(w.now, w.nodes, w.services, [...w.tasks.values()], [...w.containers.values()]);
    until(next, () => state(next) === 'completed');
    expect(Date.parse(current(next).UpdateStatus?.CompletedAt ?? '')).toBeGreaterThanOrEqual(doneAt + 6000);
  });
});

describe('UpdateStatus and the record', () => {
  it("a status change moves Version.Index on; the updater's own record does not", () => {
    const w = running(web(2, { Parallelism: 1, Delay: 2 * S, Monitor: 1 * S }));
    update(w, image('busybox:new'));
    const versions: number[] = [];
    const kinds: string[] = [];
    until(w, () => {
      versions.push(current(w).Version.Index);
      return state(w) === 'completed';
    })
      .flat()
      .forEach((a) => {
        if (a.kind === 'updateService') kinds.push(a.status?.State ?? 'record');
      });
    expect(kinds[0]).toBe('updating');
    expect(kinds.at(-1)).toBe('completed');
    expect(kinds).toContain('record');
    expect(new Set(versions).size).toBe(3); // the update, "updating", "completed"
  });

  it('global: node by node', () => {
    const g = web(1, { Parallelism: 1, Monitor: 1 * S });
    const w = running({ ...g, Spec: { ...g.Spec, Mode: { Global: {} } } });
    update(w, image('busybox:new'));
    const passes = until(w, () => state(w) === 'completed');
    const creates = passes.flatMap((p) => only(p, 'createTask').filter((c) => c.byUpdate));
    expect(creates.map((c) => c.nodeId)).toEqual(['n1', 'n2', 'n3']);
    expect(images(w)).toEqual(Array(3).fill('busybox:new'));
  });
});
