import { afterEach, expect, it } from 'vitest';
import { IdleCollector } from '../src/idle-gc.js';

const MiB = 2 ** 20;
let collector: IdleCollector | undefined;
afterEach(() => collector?.stop());

/** A collector over a made-up heap and CPU clock, looked at by hand (its timer is set far away). */
function fake() {
  const state = { heap: 50 * MiB, cpu: 0, collected: 0 };
  collector = new IdleCollector({
    checkMs: 1_000_000,
    heapUsed: () => state.heap,
    cpuMicros: () => state.cpu,
    collect: () => {
      state.collected++;
      state.heap = 60 * MiB;
    },
  });
  return { state, c: collector };
}

it('collects once the heap has grown and the process has gone quiet, then waits for new growth', () => {
  const { state, c } = fake();
  state.heap = 300 * MiB;
  state.cpu += 500_000_000; // a busy spell: half a core over the window
  c.check();
  expect(state.collected).toBe(0);
  c.check(); // quiet now
  expect(state.collected).toBe(1);
  expect(state.heap).toBe(60 * MiB);
  state.heap = 100 * MiB; // under 64 MiB of growth since the collection
  c.check();
  expect(state.collected).toBe(1);
  state.heap = 130 * MiB;
  c.check();
  expect(state.collected).toBe(2);
});

it('leaves a quiet process whose heap has not grown alone', () => {
  const { state, c } = fake();
  state.heap = 100 * MiB;
  c.check();
  c.check();
  expect(state.collected).toBe(0);
});

it("asks V8 itself when given nothing (the process's own collection)", () => {
  let heap = 0;
  collector = new IdleCollector({ checkMs: 1_000_000, heapUsed: () => heap, cpuMicros: () => 0 });
  heap = 1e12;
  collector.check();
  expect(collector.collections).toBe(1);
});
