// A container's log stream cut into whole lines, as `docker service logs` needs them (one line per frame).
// Pure: the stream's bytes in, lines out; a line cut by a chunk or a frame boundary is held until its end.
import { FrameDecoder, STDERR, STDIN, STDOUT } from './stdcopy.js';

/** One line, its newline kept (a CRLF stays as it is), and the timestamp its first piece carried. */
export interface LogLine {
  /** The engine's RFC3339Nano timestamp, when the stream was asked with timestamps=1. */
  timestamp: string | undefined;
  text: Buffer;
}

/** One line of one stream: STDOUT, STDERR, or SYSTEMERR (the engine's error, its text unchanged). */
export interface StreamLine {
  stream: number;
  line: LogLine;
}

/**
 * The longest line held before it goes out unfinished: a process that never writes a newline (a progress
 * bar) must not grow Shoal's memory without bound.
 */
export const MAX_LINE_BYTES = 1 << 20;

const NL = 0x0a;
const SPACE = 0x20;

/** Bytes → lines, whatever the chunking. `flush` gives the unfinished rest at the end of the stream. */
export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly maxLine = MAX_LINE_BYTES) {}

  get holding(): boolean {
    return this.heldBytes > 0;
  }

  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NL); nl >= 0; nl = chunk.indexOf(NL, start)) {
      lines.push(this.take(chunk.subarray(start, nl + 1)));
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.held.push(chunk.subarray(start));
      this.heldBytes += chunk.length - start;
    }
    if (this.heldBytes >= this.maxLine) lines.push(this.take(Buffer.alloc(0)));
    return lines;
  }

  flush(): Buffer | undefined {
    return this.holding ? this.take(Buffer.alloc(0)) : undefined;
  }

  private take(end: Buffer): Buffer {
    if (this.heldBytes === 0) return end;
    const line = Buffer.concat([...this.held, end], this.heldBytes + end.length);
    this.held = [];
    this.heldBytes = 0;
    return line;
  }
}

/**
 * Log messages → lines. The engine sends one message per frame, a line or a piece of one (its log
 * drivers cut lines at 16 KiB); with timestamps=1 each message starts with its own timestamp and a
 * space. A piece continues the line before it, so a line keeps the timestamp of its first piece only.
 */
export class MessageLines {
  private readonly splitter: LineSplitter;
  private heldTimestamp: string | undefined;

  constructor(
    private readonly timestamps: boolean,
    maxLine = MAX_LINE_BYTES,
  ) {
    this.splitter = new LineSplitter(maxLine);
  }

  push(message: Buffer): LogLine[] {
    let timestamp: string | undefined;
    let body = message;
    if (this.timestamps) {
      const space = message.indexOf(SPACE);
      timestamp = space < 0 ? '' : message.toString('utf8', 0, space);
      body = space < 0 ? message : message.subarray(space + 1);
    }
    const wasHolding = this.splitter.holding;
    const texts = this.splitter.push(body);
    const lines = texts.map((text, i) => ({
      timestamp: i === 0 && wasHolding ? this.heldTimestamp : timestamp,
      text,
    }));
    if (this.splitter.holding && !(wasHolding && texts.length === 0)) this.heldTimestamp = timestamp;
    return lines;
  }

  flush(): LogLine | undefined {
    const text = this.splitter.flush();
    return text ? { timestamp: this.heldTimestamp, text } : undefined;
  }
}

/**
 * A container's whole log stream → lines per stream: multiplexed frames, or for a TTY container the raw
 * bytes (all of it stdout, lines found by their newline, each starting with its timestamp).
 */
export class LogStreamLines {
  private readonly frames = new FrameDecoder();
  private readonly raw: LineSplitter | undefined;
  private readonly streams = new Map<number, MessageLines>();

  constructor(private readonly opts: { tty: boolean; timestamps: boolean; maxLine?: number }) {
    this.raw = opts.tty ? new LineSplitter(opts.maxLine) : undefined;
  }

  push(chunk: Buffer): StreamLine[] {
    const out: StreamLine[] = [];
    if (this.raw) {
      for (const message of this.raw.push(chunk)) this.message(STDOUT, message, out);
    } else {
      for (const f of this.frames.push(chunk)) this.message(f.stream, f.payload, out);
    }
    return out;
  }

  /** The end of the stream: the lines still unfinished, stdout's first. */
  end(): StreamLine[] {
    const out: StreamLine[] = [];
    const rest = this.raw?.flush();
    if (rest) this.message(STDOUT, rest, out);
    for (const [stream, lines] of [...this.streams].sort(([a], [b]) => a - b)) {
      const line = lines.flush();
      if (line) out.push({ stream, line });
    }
    return out;
  }

  private message(frameStream: number, message: Buffer, out: StreamLine[]): void {
    // As stdcopy reads it: stdin counts as stdout; the engine's own error is one message, not log lines.
    const stream = frameStream === STDIN ? STDOUT : frameStream;
    if (stream !== STDOUT && stream !== STDERR) {
      out.push({ stream, line: { timestamp: undefined, text: message } });
      return;
    }
    let lines = this.streams.get(stream);
    if (!lines) {
      lines = new MessageLines(this.opts.timestamps, this.opts.maxLine);
      this.streams.set(stream, lines);
    }
    for (const line of lines.push(message)) out.push({ stream, line });
  }
}
