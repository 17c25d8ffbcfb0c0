// stdcopy framing: the header, and frames found whole however the stream is chunked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, STDERR, STDOUT } from '../../src/docker/stdcopy.js';

const b = (s: string) => Buffer.from(s);

describe('stdcopy frames', () => {
  it('writes the 8-byte header: stream, three zeros, big-endian size', () => {
    expect(encodeFrame(STDOUT, b('hi\n'))).toEqual(Buffer.from([1, 0, 0, 0, 0, 0, 0, 3, 0x68, 0x69, 0x0a]));
    expect(encodeFrame(STDERR, Buffer.alloc(0x10203)).subarray(0, 8)).toEqual(
      Buffer.from([2, 0, 0, 0, 0, 1, 2, 3]),
    );
  });

  it('reads frames split anywhere, a byte at a time included', () => {
    const stream = Buffer.concat([
      encodeFrame(1, b('one\n')),
      encodeFrame(2, b('')),
      encodeFrame(2, b('two')),
    ]);
    const d = new FrameDecoder();
    const frames = [...stream].flatMap((byte) => d.push(Buffer.from([byte])));
    expect(frames.map((f) => [f.stream, f.payload.toString()])).toEqual([
      [1, 'one\n'],
      [2, ''],
      [2, 'two'],
    ]);
    expect(d.pending).toBe(0);
  });

  it('holds an incomplete frame and says how much of it it holds', () => {
    const d = new FrameDecoder();
    expect(d.push(encodeFrame(1, b('abcdef')).subarray(0, 10))).toEqual([]);
    expect(d.pending).toBe(10);
  });

  it('finds the same frames under any chunking', () => {
    const payloads = fc.array(fc.tuple(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 300 })), {
      maxLength: 20,
    });
    fc.assert(
      fc.property(payloads, fc.array(fc.nat(400), { maxLength: 30 }), (frames, cuts) => {
        const stream = Buffer.concat(frames.map(([s, p]) => encodeFrame(s, Buffer.from(p))));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((x, y) => x - y);
        const d = new FrameDecoder();
        const got = [];
        let from = 0;
        for (const p of [...points, stream.length]) {
          got.push(...d.push(stream.subarray(from, p)));
          from = p;
        }
        expect(got.map((f) => [f.stream, [...f.payload]])).toEqual(frames.map(([s, p]) => [s, [...p]]));
      }),
    );
  });
});
