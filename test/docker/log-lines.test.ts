// Log streams cut into whole lines: partial lines held across chunks and frames, timestamps of pieces,
// empty lines, CRLF, lines longer than a chunk, and the cap on a line that never ends.
import { describe, expect, it } from 'vitest';
import { LineSplitter, LogStreamLines, MessageLines, type StreamLine } from '../../src/docker/log-lines.js';
import { encodeFrame } from '../../src/docker/stdcopy.js';

const b = (s: string) => Buffer.from(s);
const texts = (lines: Buffer[]) => lines.map((l) => l.toString());
const shown = (lines: StreamLine[]) =>
  lines.map(({ stream, line }) => [stream, line.timestamp, line.text.toString()]);

describe('LineSplitter', () => {
  it('holds a partial line until its end, across chunks', () => {
    const s = new LineSplitter();
    expect(texts(s.push(b('hel')))).toEqual([]);
    expect(texts(s.push(b('lo')))).toEqual([]);
    expect(texts(s.push(b(' world\nnext')))).toEqual(['hello world\n']);
    expect(s.flush()?.toString()).toBe('next');
    expect(s.flush()).toBeUndefined();
  });

  it('cuts a chunk of many lines into each, empty lines included', () => {
    expect(texts(new LineSplitter().push(b('a\n\nb\n\n')))).toEqual(['a\n', '\n', 'b\n', '\n']);
  });

  it('leaves CRLF as it is', () => {
    const s = new LineSplitter();
    expect(texts([...s.push(b('tty\r')), ...s.push(b('\nx\r\n'))])).toEqual(['tty\r\n', 'x\r\n']);
  });

  it('keeps a line longer than 64 KiB whole, however it is chunked', () => {
    const long = 'x'.repeat(200 * 1024) + '\n';
    const s = new LineSplitter();
    const out: Buffer[] = [];
    for (let i = 0; i < long.length; i += 16 * 1024) out.push(...s.push(b(long.slice(i, i + 16 * 1024))));
    expect(out).toHaveLength(1);
    expect(out[0]?.toString()).toBe(long);
  });

  it('lets a line that never ends go out unfinished at the cap', () => {
    const s = new LineSplitter(10);
    expect(texts(s.push(b('12345')))).toEqual([]);
    expect(texts(s.push(b('67890ab')))).toEqual(['1234567890ab']);
    expect(texts(s.push(b('c\n')))).toEqual(['c\n']);
  });
});

describe('MessageLines', () => {
  it('joins the pieces of a cut line, keeping the timestamp of the first', () => {
    const m = new MessageLines(true);
    expect(m.push(b('T1 first piece, '))).toEqual([]);
    expect(m.push(b('T2 second piece, '))).toEqual([]);
    const [line] = m.push(b('T3 end\n'));
    expect([line?.timestamp, line?.text.toString()]).toEqual(['T1', 'first piece, second piece, end\n']);
  });

  it('gives each line of a message the message timestamp, and a held rest its own', () => {
    const m = new MessageLines(true);
    m.push(b('T1 a'));
    expect(m.push(b('T2 b\nc\nd')).map((l) => [l.timestamp, l.text.toString()])).toEqual([
      ['T1', 'ab\n'],
      ['T2', 'c\n'],
    ]);
    expect(m.flush()).toEqual({ timestamp: 'T2', text: b('d') });
  });

  it('has no timestamp when none was asked for; a space is then part of the message', () => {
    expect(new MessageLines(false).push(b('T1 a\n'))).toEqual([{ timestamp: undefined, text: b('T1 a\n') }]);
  });
});

describe('LogStreamLines', () => {
  it('assembles lines per stream from frames split anywhere', () => {
    const stream = Buffer.concat([
      encodeFrame(1, b('out one\nout ')),
      encodeFrame(2, b('err one\n')),
      encodeFrame(1, b('two\n')),
      encodeFrame(2, b('\n')),
      encodeFrame(2, b('unfinished')),
    ]);
    const l = new LogStreamLines({ tty: false, timestamps: false });
    const got = [...stream].flatMap((byte) => l.push(Buffer.from([byte])));
    expect(shown([...got, ...l.end()])).toEqual([
      [1, undefined, 'out one\n'],
      [2, undefined, 'err one\n'],
      [1, undefined, 'out two\n'],
      [2, undefined, '\n'],
      [2, undefined, 'unfinished'],
    ]);
  });

  it('reads a TTY stream as raw stdout, each line with its own timestamp', () => {
    const l = new LogStreamLines({ tty: true, timestamps: true });
    const got = [...l.push(b('T1 a\r\nT2 b')), ...l.push(b('c\r\nT3 d')), ...l.end()];
    expect(shown(got)).toEqual([
      [1, 'T1', 'a\r\n'],
      [1, 'T2', 'bc\r\n'],
      [1, 'T3', 'd'],
    ]);
  });

  it('passes an engine error frame on as one message, not as log lines', () => {
    const l = new LogStreamLines({ tty: false, timestamps: true });
    expect(shown(l.push(encodeFrame(3, b('Error grabbing logs: x\n'))))).toEqual([
      [3, undefined, 'Error grabbing logs: x\n'],
    ]);
  });

  it('keeps a 100 KiB line of stdout whole between stderr lines', () => {
    const long = 'y'.repeat(100 * 1024) + '\n';
    const frames = Buffer.concat([
      encodeFrame(1, b(long.slice(0, 16384))),
      encodeFrame(2, b('between\n')),
      encodeFrame(1, b(long.slice(16384))),
    ]);
    const l = new LogStreamLines({ tty: false, timestamps: false });
    const got: StreamLine[] = [];
    for (let i = 0; i < frames.length; i += 65536) got.push(...l.push(frames.subarray(i, i + 65536)));
    expect(shown(got)).toEqual([
      [2, undefined, 'between\n'],
      [1, undefined, long],
    ]);
  });
});
