// A lean HTTP/1.1 client for an engine's background reads (GETs of JSON: specs, lists, inspects): one
// connection, requests pipelined (the requests of one turn go out in one write) and answers read in order.
// At a thousand engines these reads are most of a start-up, and a general client's per-request work (a
// write each, header objects, streams, promises) was a third of Shoal's CPU there. A request the engine
// never answered because the connection closed first (a kept-alive connection it dropped) is sent once more
// on a new one; every GET here can be.
import type { Socket } from 'node:net';
import { ResponseReader, type BodySink, type RawResponse } from './response-reader.js';

export type { RawResponse };

export interface PipelinedOptions {
  /** Opens a new connection to the engine. */
  connect(): Socket;
  /** The Host header. */
  host: string;
  /** How long an answer may keep the connection waiting for its next bytes. */
  timeoutMs: number;
  /** How long a new connection may take. */
  connectTimeoutMs: number;
  /** A connection with nothing to do is closed after this long. */
  idleMs: number;
  /** Requests written and not yet answered, at most. */
  maxInFlight: number;
}

interface Pending {
  path: string;
  resolve(r: RawResponse): void;
  reject(err: Error): void;
  /** Sent once already on a connection that closed before answering it. */
  retried: boolean;
}

/** An error with a code the engine's health code knows (connection-errors.ts). */
function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export class PipelinedClient {
  private socket: Socket | undefined;
  private reader = new ResponseReader();
  /** Written, waiting for their answers, in order. */
  private inFlight: Pending[] = [];
  private unsent: Pending[] = [];
  private flushQueued = false;
  private closed = false;

  constructor(private readonly opts: PipelinedOptions) {}

  get(path: string): Promise<RawResponse> {
    if (this.closed) return Promise.reject(codedError('the engine client is closed', 'UND_ERR_CLOSED'));
    return new Promise<RawResponse>((resolve, reject) => {
      this.unsent.push({ path, resolve, reject, retried: false });
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  /** Drops the connection; requests waiting for it fail. Later requests open a new one. */
  reset(): void {
    this.socket?.destroy();
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.failAll(codedError('the engine client is closed', 'UND_ERR_CLOSED'));
  }

  /** Takes no new requests, and closes once those it has are answered. */
  retire(): void {
    this.closed = true;
    if (this.inFlight.length === 0 && this.unsent.length === 0) this.socket?.destroy();
  }

  /** Writes what may go now, all of it in one write. */
  private flush(): void {
    this.flushQueued = false;
    if (this.unsent.length === 0 || this.inFlight.length >= this.opts.maxInFlight) return;
    const socket = this.socket ?? this.open();
    const batch = this.unsent.splice(0, this.opts.maxInFlight - this.inFlight.length);
    let text = '';
    for (const p of batch) text += `GET ${p.path} HTTP/1.1\r\nHost: ${this.opts.host}\r\n\r\n`;
    this.inFlight.push(...batch);
    socket.setTimeout(socket.connecting ? this.opts.connectTimeoutMs : this.opts.timeoutMs);
    socket.write(text, 'latin1');
  }

  private open(): Socket {
    const socket = this.opts.connect();
    socket.setNoDelay(true); // a turn's requests are one write already: send it at once
    this.socket = socket;
    this.reader = new ResponseReader();
    let answered = 0;
    socket.once('connect', () => {
      if (this.inFlight.length > 0) socket.setTimeout(this.opts.timeoutMs);
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      let responses: RawResponse[];
      try {
        responses = this.reader.feed(chunk);
      } catch (err) {
        socket.destroy(err as Error);
        return;
      }
      for (const r of responses) {
        const p = this.inFlight.shift();
        if (!p) continue;
        answered++;
        p.resolve(r);
        if (r.close) {
          // The engine closes after this one: the rest were never read, and go again on a new connection.
          this.unsent.unshift(...this.inFlight.splice(0));
          this.socket = undefined;
          socket.destroy();
          break;
        }
      }
      if (this.socket === socket && this.inFlight.length === 0) {
        if (this.closed && this.unsent.length === 0) socket.destroy();
        else socket.setTimeout(this.opts.idleMs);
      }
      if (this.unsent.length > 0) this.flush();
    });
    socket.on('timeout', () => {
      if (this.inFlight.length === 0 || this.socket !== socket) socket.destroy();
      else if (socket.connecting)
        socket.destroy(
          codedError(`no connection in ${this.opts.connectTimeoutMs} ms`, 'UND_ERR_CONNECT_TIMEOUT'),
        );
      else socket.destroy(codedError(`no answer from the engine in ${this.opts.timeoutMs} ms`, 'ETIMEDOUT'));
    });
    socket.on('error', () => undefined); // 'close' follows with the error
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      const err = socket.errored ?? codedError('the engine closed the connection', 'UND_ERR_SOCKET');
      const code = (err as NodeJS.ErrnoException).code;
      const timedOut = code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
      // A connection that answered before and closed unasked was dropped while idle: send again, once.
      const again = this.inFlight.splice(0).filter((p) => {
        if (answered > 0 && !timedOut && !p.retried) return (p.retried = true);
        p.reject(err);
        return false;
      });
      this.unsent.unshift(...again);
      if (this.unsent.length > 0 && !this.closed) this.flush();
    });
    return socket;
  }

  private failAll(err: Error): void {
    for (const p of [...this.inFlight.splice(0), ...this.unsent.splice(0)]) p.reject(err);
  }
}

export interface StreamHandlers extends BodySink {
  /** The answer ended, or the connection did (err: why, unless the engine closed it cleanly). */
  end(err?: Error): void;
}

/**
 * A long GET (an engine's event stream) on a connection of its own: the head must come within
 * `headersTimeoutMs`, the body then flows as long as the engine sends it. Returns the way to stop it (no
 * `end` after that).
 */
export function streamGet(
  socket: Socket,
  host: string,
  path: string,
  headersTimeoutMs: number,
  handlers: StreamHandlers,
): () => void {
  let stopped = false;
  let ended = false;
  const reader = new ResponseReader({
    head: (res) => {
      socket.setTimeout(0);
      handlers.head(res);
    },
    data: (piece) => handlers.data(piece),
  });
  socket.setNoDelay(true);
  socket.setTimeout(headersTimeoutMs, () =>
    socket.destroy(codedError(`no answer from the engine in ${headersTimeoutMs} ms`, 'ETIMEDOUT')),
  );
  socket.on('data', (chunk: Buffer) => {
    try {
      if (reader.feed(chunk).length > 0) {
        ended = true;
        socket.destroy();
      }
    } catch (err) {
      socket.destroy(err as Error);
    }
  });
  socket.on('error', () => undefined); // 'close' follows with the error
  socket.on('close', () => {
    if (!stopped) handlers.end(ended ? undefined : (socket.errored ?? undefined));
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 'latin1');
  return () => {
    stopped = true;
    socket.destroy();
  };
}
