// Property tests of the rolling updater in the simulated cluster: whatever the UpdateConfig, the image
// (good or failing) and what happens meanwhile (crashes, nodes lost, a newer update, a failover), no pass
// breaks the slot rules or replaces more slots at once than Parallelism, and the update ends: completed
// with every task up to date, or paused, or rolled back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDirty } from '../../src/services/dirty.js';
import { containerImage, taskTemplate } from '../../src/services/spec.js';
import { isTerminal, rankOf } from '../../src/services/task-state.js';
import type { NodeInfo, Service } from '../../src/services/types.js';
import { converged } from './invariants.js';
import { World } from './sim.js';
import { BAD, current, image, running, update, updateSafety, web } from './update-sim.js';

const S = 1e9;
const TIMEOUT_MS = 60_000;

const configArb = fc.record({
  Parallelism: fc.integer({ min: 0, max: 3 }),
  Delay: fc.constantFrom(0, 1 * S, 3 * S),
  Monitor: fc.constantFrom(1 * S, 2 * S, 4 * S),
  Order: fc.constantFrom('stop-first', 'start-first'),
  FailureAction: fc.constantFrom('pause', 'continue', 'rollback'),
  MaxFailureRatio: fc.constantFrom(0, 0.34, 0.5, 1),
});

type Event =
  | { kind: 'crash'; pick: number }
  | { kind: 'down' | 'up'; node: number }
  | { kind: 'newer' }
  | { kind: 'scale'; replicas: number }
  | { kind: 'failover' }
  | { kind: 'calm' };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant<'crash'>('crash'), pick: fc.nat() }) },
  fc.record({ kind: fc.constantFrom<'down' | 'up'>('down', 'up'), node: fc.integer({ min: 1, max: 2 }) }),
  fc.constant<Event>({ kind: 'newer' }),
  fc.record({ kind: fc.constant<'scale'>('scale'), replicas: fc.integer({ min: 0, max: 5 }) }),
  fc.constant<Event>({ kind: 'failover' }),
  { weight: 4, arbitrary: fc.constant<Event>({ kind: 'calm' }) },
);

const scenarioArb = fc.record({
  global: fc.boolean(),
  replicas: fc.integer({ min: 1, max: 5 }),
  update: configArb,
  rollback: configArb,
  bad: fc.boolean(),
  events: fc.array(eventArb, { maxLength: 20 }),
});

const ENDS = ['completed', 'paused', 'rollback_completed', 'rollback_paused'];

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function serviceOf(s: Scenario): Service {
  const svc = web(s.replicas, s.update, s.rollback);
  return s.global ? { ...svc, Spec: { ...svc.Spec, Mode: { Global: {} } } } : svc;
}

/** Slots being replaced at once: tasks of the update not yet running, not ended, still wanted. */
function inFlight(w: World): number {
  const svc = current(w);
  return [...w.tasks.values()].filter(
    (t) =>
      t.ByUpdate &&
      t.SpecVersion === svc.SpecVersion &&
      t.RunningAt === undefined &&
      !isTerminal(t.Status.State) &&
      rankOf(t.DesiredState) <= rankOf('running'),
  ).length;
}

function apply(w: World, e: Event): World {
  if (e.kind === 'crash') {
    const running = [...w.containers.values()].filter((c) => c.state === 'running' && w.up(c.nodeId));
    const c = running[e.pick % Math.max(running.length, 1)];
    if (c) w.containers.set(c.id, { ...c, state: 'exited', exitCode: 1 });
  } else if (e.kind === 'down' || e.kind === 'up') {
    const id = `n${e.node + 1}`;
    w.nodes = w.nodes.map((n): NodeInfo =>
      n.id !== id
        ? n
        : e.kind === 'down'
          ? { ...n, state: 'down', downSince: w.now }
          : { id, availability: 'active', state: 'ready' },
    );
  } else if (e.kind === 'newer') {
    update(w, image(`busybox:v${w.now}`));
  } else if (e.kind === 'scale') {
    // A scale during the update (a global service has no replicas to change).
    if (!('Global' in (current(w).Spec['Mode'] as object)))
      update(w, (spec) => ({ ...spec, Mode: { Replicated: { Replicas: e.replicas } } }));
  } else if (e.kind === 'failover') {
    // A new leader: the same records and engines, nothing in memory.
    const next = new World(w.now, w.nodes, w.services, [...w.tasks.values()], [...w.containers.values()]);
    next.exitOnStart = w.exitOnStart;
    return next;
  }
  return w;
}

describe('rolling update (property)', () => {
  it(
    'keeps the slot rules and Parallelism under any config and churn, and ends as it must',
    () => {
      fc.assert(
        fc.property(scenarioArb, (s) => {
          const svc = serviceOf(s);
          let w = running(svc);
          const startFirst = s.update.Order === 'start-first' || s.rollback.Order === 'start-first';
          update(w, image(s.bad ? BAD : 'busybox:new'));
          const check = (label: string) => {
            expect(updateSafety(w, startFirst), label).toEqual([]);
            expect(w.violations, label).toEqual([]);
            const p = current(w).UpdateStatus?.State === 'rollback_started' ? s.rollback : s.update;
            if (p.Parallelism > 0) expect(inFlight(w), label).toBeLessThanOrEqual(p.Parallelism);
          };
          for (const [i, e] of s.events.entries()) {
            w = apply(w, e);
            w.step();
            check(`event ${i} (${e.kind})`);
          }
          // Nodes back, then calm: the update must end.
          w.nodes = w.nodes.map((n) => ({ id: n.id, availability: 'active', state: 'ready' }));
          for (let i = 0; i < 120 && !ENDS.includes(current(w).UpdateStatus?.State ?? ''); i++) {
            w.step();
            check(`settling ${i}`);
          }
          const end = current(w).UpdateStatus?.State ?? 'none';
          // A scale clears UpdateStatus and restarts the update: with nothing left out of date, none at all.
          const scaled = s.events.some((e) => e.kind === 'scale');
          expect(scaled ? [...ENDS, 'none'] : ENDS).toContain(end);
          const crashes = s.events.some((e) => e.kind === 'crash' || e.kind === 'down');
          const fine = scaled ? ['completed', 'none'] : ['completed'];
          if (!s.bad && !crashes) expect(fine).toContain(end);
          if (s.update.FailureAction === 'continue' && !s.events.some((e) => e.kind === 'newer'))
            expect(fine).toContain(end);
          if (end === 'completed' || end === 'rollback_completed' || end === 'none') {
            // Up to date everywhere, and (the restart policy allowing) converged.
            const cur = current(w);
            for (const t of w.tasks.values())
              if (rankOf(t.DesiredState) <= rankOf('running')) expect(isDirty(cur, t), t.ID).toBe(false);
            // (A rollback may go back to the failing image: after a newer update, that is the previous one.)
            if (containerImage(taskTemplate(cur.Spec)) !== BAD) {
              for (let i = 0; i < 10; i++) w.step();
              expect(converged(w)).toEqual([]);
            }
          }
        }),
        { seed: 0x0dd, numRuns: 300 },
      );
    },
    TIMEOUT_MS,
  );
});
