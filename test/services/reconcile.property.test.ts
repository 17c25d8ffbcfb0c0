// Property tests of reconcile() against a simulated cluster (sim.ts): from any observed state it converges
// within a few passes and stays put; no pass ever leaves two tasks meant to run (or two running
// containers) in one slot, more replicas running than asked, or touches what is not its own.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineContainer } from '../../src/services/facts.js';
import { reconcile, wakeAt } from '../../src/services/reconcile.js';
import { serviceMode } from '../../src/services/spec.js';
import type { NodeInfo } from '../../src/services/types.js';
import { NODE_IDS, scenarioArb, type Scenario } from './arbitraries.js';
import { T0 } from './fixtures.js';
import { converged, safety } from './invariants.js';
import { World } from './sim.js';

/**
 * Passes allowed to settle, one pass a second: a task may first wait out a restart delay (≤ 3 s here),
 * then be placed, started and seen running, and a last pass asks for nothing. The most seen in 60,000
 * runs with random seeds was 7.
 */
const MAX_PASSES = 8;
const TIMEOUT_MS = 60_000;

const world = (s: Scenario) => new World(T0, s.nodes, s.services, s.tasks, s.containers);

/** Steps until a pass asks for nothing; the safety rules are checked after every pass. */
function settle(w: World, passes: number): number {
  for (let i = 1; i <= passes; i++) {
    const at = w.now;
    const actions = w.step();
    expect(safety(w), `after pass ${i}`).toEqual([]);
    // Quiet, and no restart delay still running at the time of the pass (the loop wakes up for those).
    if (actions.length === 0 && wakeAt([...w.tasks.values()], at) === undefined) return i;
  }
  return passes + 1;
}

describe('reconcile (property)', () => {
  it(
    'converges from any observed state within a bounded number of passes, and stays there (replicated: Replicas slots running; global: one task on each eligible node)',
    () => {
      fc.assert(
        fc.property(scenarioArb('any'), (s) => {
          const w = world(s);
          const passes = settle(w, MAX_PASSES);
          expect(w.violations).toEqual([]);
          expect(passes).toBeLessThanOrEqual(MAX_PASSES);
          expect(converged(w)).toEqual([]);
        }),
        { seed: 0x5eed, numRuns: 300 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'never touches containers without our labels, or tasks and containers of another service',
    () => {
      fc.assert(
        fc.property(scenarioArb('mixed'), (s) => {
          const strangers = s.containers.filter((c) => c.id.startsWith('stranger')).map((c) => c.id);
          const w = world(s);
          for (let i = 0; i < 4; i++) {
            const actions = w.step();
            for (const a of actions) if ('containerId' in a) expect(strangers).not.toContain(a.containerId);
          }
          expect(w.violations).toEqual([]);
          for (const id of strangers) expect(w.containers.get(id)?.state).toBe('running');
        }),
        { seed: 0xc0ffee, numRuns: 200 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'keeps every rule under churn (crashes, health, nodes down/up/drained, scale, delete), then converges',
    () => {
      fc.assert(
        fc.property(scenarioArb('any'), fc.array(eventArb, { minLength: 5, maxLength: 25 }), (s, events) => {
          const w = world(s);
          for (const e of events) {
            churn(w, e);
            w.step();
            expect(safety(w)).toEqual([]);
          }
          const passes = settle(w, MAX_PASSES);
          expect(w.violations).toEqual([]);
          expect(passes).toBeLessThanOrEqual(MAX_PASSES);
          expect(converged(w)).toEqual([]);
        }),
        { seed: 42, numRuns: 150 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'with any restart policy (none, on-failure, MaxAttempts in a Window) it settles and never over-replicates',
    () => {
      fc.assert(
        fc.property(scenarioArb('mixed'), fc.array(eventArb, { maxLength: 15 }), (s, events) => {
          const w = world(s);
          for (const e of events) {
            churn(w, e);
            w.step();
            expect(safety(w)).toEqual([]);
          }
          // A Window of 60 s can hold a slot back for that long: wait it out.
          w.now += 61_000;
          expect(settle(w, MAX_PASSES)).toBeLessThanOrEqual(MAX_PASSES);
          expect(w.violations).toEqual([]);
        }),
        { seed: 7, numRuns: 150 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'is deterministic: the same input gives the same actions',
    () => {
      fc.assert(
        fc.property(scenarioArb('mixed'), (s) => {
          const w = world(s);
          const desired = { services: s.services, nodes: s.nodes };
          const observed = w.observe();
          expect(reconcile(desired, observed, T0)).toEqual(reconcile(desired, observed, T0));
        }),
        { seed: 3, numRuns: 100 },
      );
    },
    TIMEOUT_MS,
  );
});

type Event =
  | { kind: 'crash' | 'unhealthy'; pick: number; code: number }
  | { kind: 'down' | 'up' | 'drain' | 'pause' | 'activate'; node: number }
  | { kind: 'scale'; service: number; replicas: number }
  | { kind: 'delete'; service: number }
  | { kind: 'calm' };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    kind: fc.constantFrom<'crash' | 'unhealthy'>('crash', 'unhealthy'),
    pick: fc.nat(),
    code: fc.constantFrom(0, 1, 137),
  }),
  fc.record({
    kind: fc.constantFrom<'down' | 'up' | 'drain' | 'pause' | 'activate'>(
      'down',
      'up',
      'drain',
      'pause',
      'activate',
    ),
    node: fc.nat(NODE_IDS.length - 1),
  }),
  fc.record({ kind: fc.constant<'scale'>('scale'), service: fc.nat(3), replicas: fc.nat(5) }),
  fc.record({ kind: fc.constant<'delete'>('delete'), service: fc.nat(3) }),
  fc.constant({ kind: 'calm' as const }),
);

/** The world changes between passes. n1 always stays up and active, so that everything can land somewhere. */
function churn(w: World, e: Event): void {
  if (e.kind === 'crash' || e.kind === 'unhealthy') {
    const running = [...w.containers.values()].filter((c) => c.state === 'running' && w.up(c.nodeId));
    const c = running[e.pick % Math.max(running.length, 1)];
    if (!c) return;
    const next: EngineContainer =
      e.kind === 'crash' ? { ...c, state: 'exited', exitCode: e.code } : { ...c, health: 'unhealthy' };
    w.containers.set(c.id, next);
  } else if (e.kind === 'scale' || e.kind === 'delete') {
    const d = w.services[e.service % Math.max(w.services.length, 1)];
    if (!d) return;
    if (e.kind === 'delete') {
      w.services = w.services.filter((x) => x !== d);
    } else if (serviceMode(d.service.Spec).kind === 'replicated') {
      const spec = { ...d.service.Spec, Mode: { Replicated: { Replicas: e.replicas } } };
      w.services = w.services.map((x) => (x === d ? { ...d, service: { ...d.service, Spec: spec } } : x));
    }
  } else if ('node' in e) {
    nodeEvent(w, e);
  }
}

function nodeEvent(w: World, e: Extract<Event, { node: number }>): void {
  const id = NODE_IDS[e.node];
  if (id === 'n1') return;
  w.nodes = w.nodes.map((n): NodeInfo => {
    if (n.id !== id) return n;
    if (e.kind === 'down') return { ...n, state: 'down', downSince: w.now };
    if (e.kind === 'up') return { id: n.id, availability: n.availability, state: 'ready' };
    return { ...n, availability: e.kind === 'activate' ? 'active' : e.kind };
  });
}
