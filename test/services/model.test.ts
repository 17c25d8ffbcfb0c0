// The model's small pieces: task states in SwarmKit's order and forward only, spec reads with Docker's
// defaults, task records as the loop writes them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  placement,
  restartPolicy,
  serviceMode,
  taskTemplate,
  updateMonitorMs,
} from '../../src/services/spec.js';
import { newTask, withDesired, withPlacement, withStatus } from '../../src/services/task-record.js';
import { advance, canAdvance, isTerminal, rankOf, TASK_STATES } from '../../src/services/task-state.js';
import { iso, service, T0, task } from './fixtures.js';

describe('task states', () => {
  it("are SwarmKit's, in its order; past running is terminal", () => {
    expect(TASK_STATES.join(' < ')).toBe(
      'new < allocated < pending < assigned < accepted < preparing < ready < starting < running < complete < ' +
        'shutdown < failed < rejected < remove < orphaned',
    );
    expect(TASK_STATES.filter((s) => isTerminal(s))).toEqual([
      'complete',
      'shutdown',
      'failed',
      'rejected',
      'remove',
      'orphaned',
    ]);
    expect(rankOf('bogus')).toBe(-1);
  });

  it('only ever move forward', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TASK_STATES), fc.constantFrom(...TASK_STATES), (a, b) => {
        expect(canAdvance(a, b)).toBe(rankOf(b) > rankOf(a));
        expect(rankOf(advance(a, b))).toBe(Math.max(rankOf(a), rankOf(b)));
        const t = task('t', service('s'), { state: a, desired: a });
        expect(
          withStatus(t, { serviceId: 's', taskId: 't', state: b, message: '' }, T0, 9).Status.State,
        ).toBe(advance(a, b));
        expect(withDesired(t, b, T0, 9).DesiredState).toBe(advance(a, b));
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('spec reads', () => {
  it("fall back to Docker's defaults and tolerate anything", () => {
    expect(serviceMode({})).toEqual({ kind: 'replicated', replicas: 1 });
    expect(serviceMode({ Mode: { Replicated: {} } })).toEqual({ kind: 'replicated', replicas: 1 });
    expect(serviceMode({ Mode: { Replicated: { Replicas: 0 } } })).toEqual({
      kind: 'replicated',
      replicas: 0,
    });
    expect(serviceMode({ Mode: { Global: {} } })).toEqual({ kind: 'global' });
    expect(serviceMode({ Mode: { GlobalJob: {} } })).toEqual({ kind: 'unsupported', name: 'GlobalJob' });
    expect(restartPolicy({})).toEqual({ condition: 'any', delayMs: 5000, maxAttempts: 0, windowMs: 0 });
    expect(
      restartPolicy({ RestartPolicy: { Condition: 'on-failure', Delay: 0, MaxAttempts: 3, Window: 6e10 } }),
    ).toEqual({ condition: 'on-failure', delayMs: 0, maxAttempts: 3, windowMs: 60_000 });
    expect(restartPolicy({ RestartPolicy: { Condition: 'sometimes', Delay: -1, MaxAttempts: 'x' } })).toEqual(
      {
        condition: 'any',
        delayMs: 5000,
        maxAttempts: 0,
        windowMs: 0,
      },
    );
    expect(placement({ Placement: { Constraints: ['node.labels.a==b', 3], MaxReplicas: 2 } })).toEqual({
      constraints: ['node.labels.a==b'],
      preferences: [],
      maxReplicas: 2,
    });
    expect(taskTemplate({ TaskTemplate: 'nope' })).toEqual({});
    expect(updateMonitorMs({ UpdateConfig: { Monitor: 0 } })).toBe(5000);
  });
});

describe('task records', () => {
  it('a new task copies the template, starts at new, and carries the internal fields', () => {
    const s = service('s', { specVersion: 4 });
    const t = newTask(
      s,
      {
        kind: 'createTask',
        serviceId: 's',
        slot: 2,
        specVersion: 4,
        desiredState: 'ready',
        notBefore: T0 + 5000,
        restartHistory: [T0],
        replaces: 'old',
        reason: 'r',
      },
      'new1',
      T0,
      7,
    );
    expect(t).toMatchObject({
      ID: 'new1',
      Version: { Index: 7 },
      CreatedAt: iso(T0),
      ServiceID: 's',
      Slot: 2,
      NodeID: '',
      DesiredState: 'ready',
      Status: { State: 'new', Message: 'created', Timestamp: iso(T0) },
      SpecVersion: 4,
      NotBefore: T0 + 5000,
      RestartHistory: [T0],
    });
    expect(t.Spec).toEqual(s.Spec['TaskTemplate']);
    expect(t.Spec).not.toBe(s.Spec['TaskTemplate']);
    expect(withPlacement(t, 'n1', T0 + 1, 8)).toMatchObject({ NodeID: 'n1', Status: { State: 'assigned' } });
  });
});
