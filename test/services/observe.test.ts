// Observed task state from a container and its node: the stand-in for SwarmKit's agent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { observe } from '../../src/services/observe.js';
import { DEFAULT_LIMITS } from '../../src/services/reconcile.js';
import { canAdvance, TASK_STATES, type TaskState } from '../../src/services/task-state.js';
import { facts, iso, node, service, T0, task } from './fixtures.js';

const s = service('s');
const n1 = node('n1');
const at = (state: TaskState, desired: TaskState = 'running', ago = 3600_000) =>
  task('t', s, { node: 'n1', state, desired, at: T0 - ago });

describe('observe', () => {
  it('reads a container: running, finished, failed, unhealthy, created', () => {
    const t = at('starting');
    const state = (o: Parameters<typeof facts>[2]) =>
      observe(t, facts(s, t, o), n1, T0, DEFAULT_LIMITS)?.state;
    expect(state({})).toBe('running');
    expect(state({ state: 'paused' })).toBe('running');
    expect(state({ state: 'exited', exitCode: 0 })).toBe('complete');
    expect(state({ state: 'exited', exitCode: 137 })).toBe('failed');
    expect(state({ health: 'unhealthy' })).toBe('failed');
    expect(state({ state: 'created', error: 'oci: no such file' })).toBe('failed');
    expect(observe(at('assigned'), facts(s, t, { state: 'created' }), n1, T0, DEFAULT_LIMITS)).toMatchObject({
      state: 'ready',
      message: 'prepared',
    });
  });

  it('a container stopped on purpose ends its task as shutdown, whatever its exit code', () => {
    const t = at('running', 'shutdown');
    expect(observe(t, facts(s, t, { state: 'exited', exitCode: 143 }), n1, T0, DEFAULT_LIMITS)?.state).toBe(
      'shutdown',
    );
  });

  it('a missing container: gone after a grace period, never-created after the prepare timeout', () => {
    expect(observe(at('running', 'running', 1000), undefined, n1, T0, DEFAULT_LIMITS)).toBeUndefined();
    expect(observe(at('running'), undefined, n1, T0, DEFAULT_LIMITS)).toMatchObject({
      state: 'failed',
      err: 'task container is gone',
    });
    expect(observe(at('assigned', 'running', 60_000), undefined, n1, T0, DEFAULT_LIMITS)).toBeUndefined();
    expect(observe(at('assigned'), undefined, n1, T0, DEFAULT_LIMITS)?.state).toBe('rejected');
    expect(observe(at('pending'), undefined, n1, T0, DEFAULT_LIMITS)).toBeUndefined();
  });

  it('a task never placed and not wanted is shut down', () => {
    const t = task('t', s, { state: 'pending', desired: 'remove' });
    expect(observe(t, undefined, undefined, T0, DEFAULT_LIMITS)?.state).toBe('shutdown');
  });

  it('never moves a state backwards, whatever the container says', () => {
    const kinds = ['created', 'running', 'paused', 'exited', 'dead'];
    fc.assert(
      fc.property(
        fc.constantFrom(...TASK_STATES),
        fc.constantFrom(...TASK_STATES),
        fc.option(
          fc.record({ state: fc.constantFrom(...kinds), exitCode: fc.nat(255), healthy: fc.boolean() }),
        ),
        fc.constantFrom('ready', 'down', 'gone'),
        fc.nat(48 * 3600_000),
        (state, desired, c, where, ago) => {
          const t = {
            ...task('t', s, { node: 'n1', state, desired }),
            Status: { Timestamp: iso(T0 - ago), State: state, Message: '' },
          };
          const n =
            where === 'gone'
              ? undefined
              : node('n1', { state: where === 'down' ? 'down' : 'ready', downSince: T0 - ago });
          const f = c
            ? facts(s, t, {
                state: c.state,
                exitCode: c.exitCode,
                health: c.healthy ? 'healthy' : 'unhealthy',
              })
            : undefined;
          const mark = observe(t, f, n, T0, DEFAULT_LIMITS);
          if (mark) expect(canAdvance(state, mark.state)).toBe(true);
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
  });
});
