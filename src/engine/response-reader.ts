// Reads HTTP/1.1 responses off a connection's bytes, as many as a chunk holds: the status, the content
// type, whether the server closes after it, and the whole body (Content-Length, chunked, or none for 204
// and 304), or the body's pieces as they come for a stream. Pure: bytes in, responses out; malformed input
// throws.

export interface RawResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
  /** The server closes the connection after this answer. */
  close: boolean;
}

type State =
  | { at: 'head' }
  | { at: 'length'; res: Omit<RawResponse, 'body'>; left: number; parts: Buffer[] }
  | { at: 'chunks'; res: Omit<RawResponse, 'body'>; parts: Buffer[]; left: number };

const MAX_HEAD = 64 * 1024;

/** For a stream: the head as soon as it is read, then each piece of the body (the answer then has none). */
export interface BodySink {
  head(res: Omit<RawResponse, 'body'>): void;
  data(piece: Buffer): void;
}

export class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = { at: 'head' };

  constructor(private readonly sink?: BodySink) {}

  feed(chunk: Buffer): RawResponse[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: RawResponse[] = [];
    for (;;) {
      const r = this.step();
      if (r === 'more') return out;
      if (r) out.push(r);
    }
  }

  /** One step: a finished response, undefined (progress, go on), or 'more' (wait for bytes). */
  private step(): RawResponse | undefined | 'more' {
    const s = this.state;
    if (s.at === 'head') return this.head();
    if (s.at === 'length') {
      if (this.buf.length === 0) return 'more';
      this.take(s);
      return s.left === 0 ? this.done(s.res, s.parts) : 'more';
    }
    if (s.left > 0) {
      // Inside a chunk's data.
      if (this.buf.length === 0) return 'more';
      this.take(s);
      return s.left === 0 ? undefined : 'more';
    }
    // A chunk's size line (after the previous chunk's CRLF), or the end: "0", trailers, an empty line.
    const eol = this.buf.indexOf('\r\n');
    if (eol < 0) return this.tooLong('a chunk size');
    const line = this.buf.toString('latin1', 0, eol);
    if (line === '') {
      this.buf = this.buf.subarray(2); // the CRLF after a chunk's data
      return undefined;
    }
    const size = parseInt(line, 16);
    if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size ${JSON.stringify(line)}`);
    if (size > 0) {
      this.buf = this.buf.subarray(eol + 2);
      s.left = size;
      return undefined;
    }
    const end = this.buf.indexOf('\r\n\r\n', eol);
    const endHere = this.buf.indexOf('\r\n', eol + 2) === eol + 2;
    if (endHere) this.buf = this.buf.subarray(eol + 4);
    else if (end >= 0)
      this.buf = this.buf.subarray(end + 4); // trailers, ignored
    else return this.tooLong('the trailers');
    return this.done(s.res, s.parts);
  }

  /** As much of the body as is here and wanted: kept, or given to the sink. */
  private take(s: { left: number; parts: Buffer[] }): void {
    const n = Math.min(s.left, this.buf.length);
    const piece = this.buf.subarray(0, n);
    if (this.sink) this.sink.data(piece);
    else s.parts.push(piece);
    this.buf = this.buf.subarray(n);
    s.left -= n;
  }

  private head(): RawResponse | undefined | 'more' {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return this.tooLong('the headers');
    const lines = this.buf.toString('latin1', 0, end).split('\r\n');
    this.buf = this.buf.subarray(end + 4);
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!m) throw new Error(`not an HTTP/1.1 answer: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
    const status = Number(m[1]);
    let length: number | undefined;
    let chunked = false;
    let close = (lines[0] ?? '').startsWith('HTTP/1.0');
    let contentType: string | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
      else if (name === 'connection') close = value.toLowerCase() === 'close';
      else if (name === 'content-type') contentType = value;
    }
    if (status < 200) return undefined; // 100 Continue and the like: the answer follows
    const res = { status, contentType, close };
    this.sink?.head(res);
    if (status === 204 || status === 304) return this.done(res, []);
    if (chunked) this.state = { at: 'chunks', res, parts: [], left: 0 };
    else if (length !== undefined && Number.isInteger(length) && length >= 0) {
      if (length === 0) return this.done(res, []);
      this.state = { at: 'length', res, left: length, parts: [] };
    } else throw new Error('an answer with neither a length nor chunks'); // engines always send one
    return undefined;
  }

  private done(res: Omit<RawResponse, 'body'>, parts: Buffer[]): RawResponse {
    this.state = { at: 'head' };
    const body = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    return { ...res, body };
  }

  private tooLong(what: string): 'more' {
    if (this.buf.length > MAX_HEAD)
      throw new Error(`${what} of an engine's answer are over ${MAX_HEAD} bytes`);
    return 'more';
  }
}
