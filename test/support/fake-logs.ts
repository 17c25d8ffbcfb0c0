// A fake engine's container logs: messages with their stream and time, served as the engine serves
// GET /containers/{id}/logs (stdout/stderr, tail, since, timestamps, follow), multiplexed unless the
// container has a TTY. A follow stream is fed by write() and stays open until end() or the client goes.
import type { ServerResponse } from 'node:http';
import { parseTimestamp } from '../../src/docker/strconv.js';

export interface FakeLogMessage {
  /** 1 stdout, 2 stderr (a TTY container's output is all stdout). */
  stream: 1 | 2;
  /** A line with its newline, or a piece of one (the engine's log drivers cut lines at 16 KiB). */
  data: Buffer;
  time: Date;
}

interface Follower {
  res: ServerResponse;
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
}

/** Docker's stdcopy framing: [stream, 0, 0, 0, size BE] + payload. */
export function frame(stream: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

/** The engine's RFC3339NanoFixed: always nine fraction digits. */
export function fixedNano(time: Date): string {
  return time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class FakeLog {
  readonly messages: FakeLogMessage[] = [];
  private readonly followers = new Set<Follower>();
  /** Log answers still open (follow or not), to see that a client closes them. */
  open = 0;
  /** Requests are taken but never answered (an engine that hangs). */
  stall = false;

  constructor(private readonly tty: () => boolean) {}

  /** One message; open follow streams get it at once. */
  write(data: string | Buffer, opts: { stream?: 1 | 2; time?: Date } = {}): FakeLogMessage {
    const stream = this.tty() ? 1 : (opts.stream ?? 1);
    const m = { stream, data: Buffer.from(data), time: opts.time ?? new Date() };
    this.messages.push(m);
    for (const f of this.followers) this.send(f, m);
    return m;
  }

  /** The container stopped: every follow stream ends. */
  end(): void {
    for (const f of this.followers) f.res.end();
    this.followers.clear();
  }

  /** Answers a logs request; `running` decides whether follow keeps the stream open. */
  serve(url: URL, res: ServerResponse, running: boolean): void {
    const q = url.searchParams;
    const flag = (k: string) => !['', '0', 'false', 'no', 'none'].includes((q.get(k) ?? '').toLowerCase());
    const f: Follower = {
      res,
      stdout: flag('stdout'),
      stderr: flag('stderr'),
      timestamps: flag('timestamps'),
    };
    if (!f.stdout && !f.stderr) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'Bad parameters: you must choose at least one stream' }));
      return;
    }
    this.open++;
    res.once('close', () => {
      this.open--;
      this.followers.delete(f);
    });
    if (this.stall) return;
    res.writeHead(200); // Docker 20.10 sends no Content-Type on API 1.41
    res.flushHeaders();
    const sinceNs = parseTimestamp(q.get('since'));
    let history = this.messages.filter((m) => sinceNs === undefined || m.time.getTime() * 1e6 >= sinceNs);
    // As the engine: a tail that is not a number (all, nothing) means every line.
    const tail = /^\d+$/.test(q.get('tail') ?? '') ? Number(q.get('tail')) : -1;
    if (tail >= 0) history = tail === 0 ? [] : history.slice(-tail);
    for (const m of history) this.send(f, m);
    if (flag('follow') && running) this.followers.add(f);
    else res.end();
  }

  private send(f: Follower, m: FakeLogMessage): void {
    if (!(m.stream === 1 ? f.stdout : f.stderr)) return;
    const payload = f.timestamps ? Buffer.concat([Buffer.from(`${fixedNano(m.time)} `), m.data]) : m.data;
    f.res.write(this.tty() ? payload : frame(m.stream, payload));
  }
}
