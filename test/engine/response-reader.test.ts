// Reading HTTP/1.1 answers off a connection's bytes however they are cut: lengths, chunks (with extensions
// and trailers), no body, interim answers, several in one chunk, the close flag, and bad input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponseReader, type RawResponse } from '../../src/engine/response-reader.js';

function lengthAnswer(body: string, headers = ''): string {
  const n = Buffer.byteLength(body);
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${headers}Content-Length: ${n}\r\n\r\n${body}`;
}

function chunkedAnswer(pieces: string[], trailers = ''): string {
  const chunks = pieces.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('');
  return `HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n${trailers}\r\n`;
}

/** Feeds `bytes` cut at `cuts` (offsets), collecting every answer. */
function read(bytes: Buffer, cuts: number[] = []): RawResponse[] {
  const reader = new ResponseReader();
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: RawResponse[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    out.push(...reader.feed(bytes.subarray(from, c)));
    from = c;
  }
  return out;
}

const text = (r: RawResponse) => ({
  status: r.status,
  body: r.body.toString(),
  close: r.close,
  type: r.contentType,
});

describe('the response reader', () => {
  it('reads answers of both framings and none, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.array(fc.string({ minLength: 1, maxLength: 50 }), { maxLength: 6 }),
        fc.array(fc.nat(2000), { maxLength: 12 }),
        (body, pieces, cuts) => {
          const bytes = Buffer.from(
            lengthAnswer(body) +
              chunkedAnswer(pieces, pieces.length % 2 ? 'X-Trailer: 1\r\n' : '') +
              'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n',
          );
          expect(read(bytes, cuts).map(text)).toEqual([
            { status: 200, body, close: false, type: 'application/json' },
            { status: 404, body: pieces.join(''), close: false, type: undefined },
            { status: 204, body: '', close: true, type: undefined },
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads chunk extensions, upper-case hex, an empty length and HTTP/1.0 (which closes)', () => {
    const bytes = Buffer.from(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1A;ext=1\r\n' +
        'abcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n' +
        'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n' +
        'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok',
    );
    expect(read(bytes).map(text)).toEqual([
      { status: 200, body: 'abcdefghijklmnopqrstuvwxyz', close: false, type: undefined },
      { status: 200, body: '', close: false, type: undefined },
      { status: 200, body: 'ok', close: true, type: undefined },
    ]);
  });

  it('refuses what is not an HTTP answer, a bad chunk size, a body with no framing, endless headers', () => {
    expect(() => read(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP\/1.1 answer/);
    expect(() => read(Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`))).toThrow(
      /bad chunk size/,
    );
    expect(() => read(Buffer.from('HTTP/1.1 200 OK\r\n\r\nbody'))).toThrow(/neither a length nor chunks/);
    expect(() => read(Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`))).toThrow(
      /over 65536 bytes/,
    );
  });
});
