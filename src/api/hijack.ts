// Hijacked streams (attach, exec start, attach/ws): the HTTP upgrade is relayed to the engine over a raw
// socket, then bytes are spliced both ways. A FIN from one side is passed on as a FIN (stdin EOF), not a
// close, so output keeps flowing until the engine ends it; a side that goes away tears down both.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Engine } from '../engine/engine.js';
import { errorResponse } from './respond.js';

const KEEPALIVE_MS = 30_000;
const MAX_HEAD = 64 * 1024;

export interface HijackTarget {
  /** An engine, or anything reached the same way (a replica's leader). */
  engine: Pick<Engine, 'client' | 'reportSuccess' | 'reportError'>;
  /** Full engine path with version prefix and query. */
  path: string;
}

/** Writes a Docker-style JSON error as a raw HTTP response and closes the connection. */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  const { status, body, contentType } = errorResponse(err);
  const head =
    `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head), body]));
  // A client that never closes its side must not hold the connection open.
  setTimeout(() => socket.destroy(), 5000).unref();
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    404: 'Not Found',
    409: 'Conflict',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    503: 'Service Unavailable',
  };
  return texts[status] ?? 'Error';
}

function requestHead(req: IncomingMessage, target: HijackTarget): Buffer {
  const ep = target.engine.client.endpoint;
  let head = `${req.method ?? 'POST'} ${target.path} HTTP/1.1\r\nHost: ${ep.socketPath ? 'localhost' : `${ep.host}:${ep.port}`}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (name.toLowerCase() === 'host') continue;
    head += `${name}: ${raw[i + 1] ?? ''}\r\n`;
  }
  return Buffer.from(head + '\r\n');
}

/** Reads the engine's response head; resolves with its status, the head bytes and anything after them. */
function readResponseHead(
  upstream: Socket,
): Promise<{ status: number; head: Buffer; rest: Buffer; contentLength?: number }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > MAX_HEAD) fail(new Error('engine response head too large'));
        return;
      }
      cleanup();
      upstream.pause();
      const head = buf.subarray(0, end + 4);
      const text = head.toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(text)?.[1];
      resolve({
        status,
        head,
        rest: buf.subarray(end + 4),
        contentLength: cl === undefined ? undefined : Number(cl),
      });
    };
    const fail = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onEnd = () => fail(new Error('engine closed the connection before answering'));
    const cleanup = () => {
      upstream.off('data', onData);
      upstream.off('error', fail);
      upstream.off('end', onEnd);
    };
    upstream.on('data', onData);
    upstream.once('error', fail);
    upstream.once('end', onEnd);
  });
}

/**
 * Reads exactly `n` more bytes from the client (the rest of a request body that did not come in the
 * upgrade's first bytes); anything beyond is put back for the splice.
 */
function readExactly(client: Duplex, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (d: Buffer) => {
      const need = n - got;
      if (d.length > need) {
        chunks.push(d.subarray(0, need));
        client.unshift(d.subarray(need));
        got = n;
      } else {
        chunks.push(d);
        got += d.length;
      }
      if (got >= n) {
        cleanup();
        client.pause();
        resolve(Buffer.concat(chunks));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('client closed before sending the whole request body'));
    };
    const cleanup = () => {
      client.off('data', onData);
      client.off('end', onEnd);
      client.off('error', onEnd);
    };
    client.on('data', onData);
    client.once('end', onEnd);
    client.once('error', onEnd);
  });
}

/** Resolves once the engine can be written to: TCP connected, or for TLS, the handshake done. */
function connected(upstream: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    upstream.once(upstream instanceof TLSSocket ? 'secureConnect' : 'connect', resolve);
    upstream.once('error', reject);
  });
}

export async function relayUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  target: HijackTarget,
): Promise<void> {
  const { engine } = target;
  const upstream = engine.client.connectRaw();
  const clientGone = () => upstream.destroy();
  client.once('close', clientGone);
  client.on('error', () => undefined);
  try {
    await connected(upstream);
    upstream.setNoDelay(true);
    upstream.setKeepAlive(true, KEEPALIVE_MS);
    upstream.write(requestHead(req, target));
    // The request body (exec start's JSON) usually comes with the headers, but may come later: the engine
    // answers only once it has all of it. Bytes after the body (stdin) wait for the upgrade.
    const bodyLength = Number(req.headers['content-length'] ?? 0) || 0;
    const early = head.subarray(0, bodyLength);
    const stdin = head.subarray(bodyLength);
    upstream.write(early);
    if (early.length < bodyLength) upstream.write(await readExactly(client, bodyLength - early.length));
    const answer = await readResponseHead(upstream);
    engine.reportSuccess();
    client.write(Buffer.concat([answer.head, answer.rest]));
    if (answer.status !== 101) {
      finishPlainAnswer(client, upstream, answer.rest.length, answer.contentLength);
      return;
    }
    if (stdin.length > 0) upstream.write(stdin);
    splice(client, upstream);
  } catch (err) {
    client.off('close', clientGone);
    upstream.destroy();
    engine.reportError(err);
    rejectUpgrade(client, err);
  }
}

/** The engine refused the upgrade (404, 409…): pass its answer on and close both sides. */
function finishPlainAnswer(
  client: Duplex,
  upstream: Socket,
  already: number,
  contentLength: number | undefined,
): void {
  let remaining = contentLength === undefined ? Infinity : contentLength - already;
  const done = () => {
    client.end();
    upstream.destroy();
    setTimeout(() => client.destroy(), 5000).unref();
  };
  if (remaining <= 0) return done();
  upstream.on('data', (chunk: Buffer) => {
    client.write(chunk);
    remaining -= chunk.length;
    if (remaining <= 0) done();
  });
  upstream.once('end', done);
  upstream.resume();
}

function splice(client: Duplex, upstream: Socket): void {
  if ('setNoDelay' in client) (client as Socket).setNoDelay(true);
  if ('setTimeout' in client) (client as Socket).setTimeout(0);
  const teardown = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', teardown);
  upstream.on('error', teardown);
  upstream.once('close', () => {
    if (!client.writableEnded) client.end();
  });
  // pipe() ends the destination when the source ends: that is the half-close (FIN) we want to relay.
  // Each socket closes by itself once both of its directions have ended.
  client.pipe(upstream);
  upstream.pipe(client);
  upstream.resume();
}
