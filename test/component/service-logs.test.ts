// Task logs merged across engines, over real sockets: what the answer holds, read by the Docker CLI's
// rules (framing, details, timestamps, tail, streams, TTY), and the tasks it leaves out.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeAsCli, stdCopy } from '../support/cli-service-logs.js';
import type { FakeEngine } from '../support/fake-engine.js';
import { fixedNano, frame } from '../support/fake-logs.js';
import { ALL, details, TaskLogsBench, type Task } from '../support/task-logs.js';

let bench: TaskLogsBench;
beforeAll(async () => {
  bench = await TaskLogsBench.start(2);
});
afterAll(() => bench.stop());

const messages = (body: Buffer) => decodeAsCli(body, { timestamps: false }).map((l) => l.message);

it('merges the tasks of two engines, one whole line per frame with its task details', async () => {
  const t1 = bench.task(0);
  const t2 = bench.task(1);
  t1.log.write('a1\n');
  t1.log.write('a-err\n', { stream: 2 });
  t1.log.write('a2\n');
  t2.log.write('b1\n');
  bench.serving = { sources: [t1.source, t2.source] };
  const { a, body } = await bench.fetch(ALL);
  expect(a.status).toBe(200);
  expect(a.headers['content-type']).toBeUndefined(); // as Docker 20.10 answers API 1.41
  const lines = decodeAsCli(body, { timestamps: false });
  const of = (t: Task) => lines.filter((l) => l.taskId === t.source.taskId).map((l) => [l.stream, l.message]);
  expect(of(t1)).toEqual([
    ['stdout', 'a1\n'],
    ['stderr', 'a-err\n'],
    ['stdout', 'a2\n'],
  ]);
  expect(of(t2)).toEqual([['stdout', 'b1\n']]);
  expect(lines.find((l) => l.taskId === t2.source.taskId)).toMatchObject({ nodeId: 'node1id', details: {} });
  expect(t1.log.open + t2.log.open).toBe(0);
});

it('writes the details prefix byte for byte, escaped as the engine escapes it', async () => {
  const t = bench.task(0, { ids: { nodeId: 'n 1', serviceId: 'svc/1', taskId: 't=1,é' } });
  t.log.write('hello world\n');
  t.log.write('\n');
  bench.serving = { sources: [t.source] };
  const { body } = await bench.fetch(ALL);
  const prefix =
    'com.docker.swarm.node.id=n+1,com.docker.swarm.service.id=svc%2F1,com.docker.swarm.task.id=t%3D1%2C%C3%A9 ';
  expect(body).toEqual(
    Buffer.concat([frame(1, Buffer.from(`${prefix}hello world\n`)), frame(1, Buffer.from(`${prefix}\n`))]),
  );
  expect(decodeAsCli(body, { timestamps: false })[0]).toMatchObject({ nodeId: 'n 1', taskId: 't=1,é' });
});

it('puts the engine timestamp first with timestamps=1', async () => {
  const t = bench.task(1);
  const time = new Date('2024-05-06T07:08:09.123Z');
  t.log.write('stamped\n', { time });
  bench.serving = { sources: [t.source] };
  const { body } = await bench.fetch(`${ALL}&timestamps=1`);
  expect(stdCopy(body)[0]?.payload.toString()).toBe(
    `2024-05-06T07:08:09.123000000Z ${details(t.source)} stamped\n`,
  );
  expect(decodeAsCli(body, { timestamps: true })[0]).toMatchObject({
    timestamp: fixedNano(time),
    message: 'stamped\n',
  });
});

it('applies tail to each task, as swarm does', async () => {
  const t1 = bench.task(0);
  const t2 = bench.task(1);
  for (const t of [t1, t2]) for (const n of [1, 2, 3]) t.log.write(`${t.source.taskId} ${n}\n`);
  bench.serving = { sources: [t1.source, t2.source] };
  const one = messages((await bench.fetch('details=1&stderr=1&stdout=1&tail=1')).body);
  expect(one.sort()).toEqual([`${t1.source.taskId} 3\n`, `${t2.source.taskId} 3\n`]);
  expect((await bench.fetch('details=1&stderr=1&stdout=1&tail=0')).body.length).toBe(0);
});

it('only the stream asked for: stdout=0 gives stderr alone', async () => {
  const t = bench.task(0);
  t.log.write('out\n');
  t.log.write('err\n', { stream: 2 });
  bench.serving = { sources: [t.source] };
  const { body } = await bench.fetch('details=1&stdout=0&stderr=1');
  const lines = decodeAsCli(body, { timestamps: false });
  expect(lines.map((l) => [l.stream, l.message])).toEqual([['stderr', 'err\n']]);
});

it('joins a line cut into pieces, keeps a 200 KiB line whole, and flushes the unfinished last line', async () => {
  const t = bench.task(1);
  const long = 'z'.repeat(200 * 1024) + '\n';
  t.log.write('hel');
  t.log.write('lo\n');
  for (let i = 0; i < long.length; i += 16 * 1024) t.log.write(long.slice(i, i + 16 * 1024));
  t.log.write('no newline');
  bench.serving = { sources: [t.source] };
  const { body } = await bench.fetch(ALL);
  expect(messages(body)).toEqual(['hello\n', long, 'no newline']);
});

it('answers an empty 200 when there is no output', async () => {
  bench.serving = { sources: [bench.task(0).source] };
  const { a, body } = await bench.fetch(ALL);
  expect([a.status, body.length]).toEqual([200, 0]);
  bench.serving = { sources: [] };
  expect((await bench.fetch(ALL)).body.length).toBe(0);
});

it('refuses an invalid query with a 400 before anything else', async () => {
  bench.serving = { sources: [bench.task(0).source] };
  for (const [query, message] of [
    ['details=1&stdout=0&stderr=0', 'Bad parameters: you must choose at least one stream'],
    ['stdout=1&tail=-1', 'negative tail values not supported'],
    [
      'stdout=1&since=soon',
      'could not parse since timestamp: strconv.ParseInt: parsing "soon": invalid syntax',
    ],
  ] as const) {
    const { a, body } = await bench.fetch(query);
    expect([a.status, a.headers['content-type'], JSON.parse(body.toString())]).toEqual([
      400,
      'application/json',
      { message },
    ]);
  }
});

it('skips a task whose engine fails to answer; the others still stream', async () => {
  const good = bench.task(0);
  const broken = bench.task(1);
  good.log.write('still here\n');
  broken.log.write('never seen\n');
  const missing = { ...good.source, containerId: 'f'.repeat(64), taskId: 'gone' };
  bench.serving = { sources: [missing, broken.source, good.source] };
  const fake = bench.cluster.engines[1] as FakeEngine;
  fake.failWith = 500;
  try {
    const { a, body } = await bench.fetch(ALL);
    expect(a.status).toBe(200);
    expect(decodeAsCli(body, { timestamps: false }).map((l) => [l.taskId, l.message])).toEqual([
      [good.source.taskId, 'still here\n'],
    ]);
  } finally {
    fake.failWith = undefined;
  }
});

it('answers a TTY service raw, as the engine does, with its lines whole and CRLF kept', async () => {
  const t = bench.task(0, { tty: true });
  t.log.write('tty ');
  t.log.write('line\r\n');
  t.log.write('two\r\n');
  bench.serving = { sources: [t.source] };
  const { a, body } = await bench.fetch(ALL, 'v1.44');
  expect(a.headers['content-type']).toBe('application/vnd.docker.raw-stream');
  expect(body.toString()).toBe(`${details(t.source)} tty line\r\n${details(t.source)} two\r\n`);
});

it('sends a TTY task as stdout frames when the answer is multiplexed', async () => {
  const plain = bench.task(0);
  const tty = bench.task(1, { tty: true });
  plain.log.write('plain\n', { stream: 2 });
  tty.log.write('from a tty\r\n');
  bench.serving = { sources: [plain.source, tty.source], opts: { tty: false } };
  const { a, body } = await bench.fetch(ALL, 'v1.44');
  expect(a.headers['content-type']).toBe('application/vnd.docker.multiplexed-stream');
  const lines = decodeAsCli(body, { timestamps: false });
  expect(lines.map((l) => [l.taskId, l.stream, l.message]).sort()).toEqual(
    [
      [plain.source.taskId, 'stderr', 'plain\n'],
      [tty.source.taskId, 'stdout', 'from a tty\r\n'],
    ].sort(),
  );
});
