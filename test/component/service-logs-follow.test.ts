// Task logs in follow mode, over real sockets: tasks added by the watch, streams that end or never
// answer, a slow client, and a client that leaves closing every engine stream.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LogSource, LogWatch } from '../../src/api/service-logs.js';
import { decodeAsCli } from '../support/cli-service-logs.js';
import { waitFor } from '../support/cluster.js';
import { ALL, stillOpen, TaskLogsBench, type Task } from '../support/task-logs.js';

let bench: TaskLogsBench;
beforeAll(async () => {
  bench = await TaskLogsBench.start(2);
});
afterAll(() => bench.stop());

const messages = (body: Buffer) => decodeAsCli(body, { timestamps: false }).map((l) => l.message);

it('streams new lines, and tasks the watch adds, until the client goes; then every engine stream is closed', async () => {
  const t1 = bench.task(0);
  const t2 = bench.task(1);
  t1.log.write('before\n');
  let add: ((s: LogSource) => void) | undefined;
  let unsubscribed = false;
  const watch: LogWatch = {
    subscribe(fn) {
      add = fn;
      return () => {
        unsubscribed = true;
      };
    },
  };
  bench.serving = { sources: [t1.source], watch };
  const a = await bench.open(`${ALL}&follow=1`);
  const call = bench.lastCall;
  const seen = () => messages(a.body());
  await waitFor('history', () => seen().length === 1);
  t1.log.write('live\n');
  await waitFor('a live line', () => seen().includes('live\n'));
  add?.(t2.source);
  add?.(t1.source); // already streaming: not opened twice
  await waitFor('the added task open', () => t2.log.open === 1);
  t2.log.write('from the scale-up\n');
  await waitFor('the added task line', () => seen().includes('from the scale-up\n'));
  expect(t1.log.open).toBe(1);
  expect(seen()).toEqual(['before\n', 'live\n', 'from the scale-up\n']);

  a.close();
  await waitFor('engine streams closed', () => t1.log.open + t2.log.open === 0);
  await call;
  expect(unsubscribed).toBe(true);
});

it('keeps an empty answer open; a client that leaves closes an engine call not answered yet', async () => {
  const t = bench.task(1);
  t.log.stall = true;
  bench.serving = { sources: [t.source] };
  const a = await bench.open(`${ALL}&follow=1`);
  const call = bench.lastCall;
  expect(a.status).toBe(200);
  await waitFor('the engine asked', () => t.log.open === 1);
  expect(await stillOpen(a)).toBe(true);
  a.close();
  await waitFor('the engine call closed', () => t.log.open === 0);
  await call;
});

it('a task whose container stops ends, not the answer', async () => {
  const t = bench.task(0);
  bench.serving = { sources: [t.source] };
  const a = await bench.open(`${ALL}&follow=1`);
  await waitFor('open', () => t.log.open === 1);
  t.log.write('last words\n');
  t.log.end();
  await waitFor('its line', () => messages(a.body()).length === 1);
  await waitFor('engine stream ended', () => t.log.open === 0);
  expect(await stillOpen(a, 50)).toBe(true);
  a.close();
});

it('a slow client gets every line whole: the engine streams wait for it', async () => {
  const t1 = bench.task(0);
  const t2 = bench.task(1);
  const line = (t: Task, n: number) => `${t.source.taskId} ${n} ${'x'.repeat(1000)}\n`;
  for (let n = 0; n < 4000; n++) for (const t of [t1, t2]) t.log.write(line(t, n));
  bench.serving = { sources: [t1.source, t2.source] };
  const a = await bench.open(ALL, 'v1.41', { pauseMs: 300 });
  await a.ended;
  const lines = decodeAsCli(a.body(), { timestamps: false });
  for (const t of [t1, t2]) {
    const got = lines.filter((l) => l.taskId === t.source.taskId).map((l) => l.message);
    expect(got).toEqual(Array.from({ length: 4000 }, (_, n) => line(t, n)));
  }
});
