// Small HTTP helpers for tests: JSON calls and raw upgraded sockets.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Opens a raw connection, sends an upgrade request, and resolves with the socket and the response head. */
export function upgrade(
  base: string,
  method: string,
  path: string,
  body = '',
  opts: { bodyDelayMs?: number; tls?: ConnectionOptions } = {},
): Promise<{ socket: Socket; head: string; rest: Buffer }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const target = { host: url.hostname, port: Number(url.port), allowHalfOpen: true };
    const socket = opts.tls ? tlsConnect({ ...opts.tls, ...target } as ConnectionOptions) : connect(target);
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      resolve({ socket, head: buf.subarray(0, end).toString(), rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
      const headers = `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      if (opts.bodyDelayMs === undefined) {
        socket.write(headers + body);
        return;
      }
      // The body in a later segment than the headers, as a real client sometimes sends it.
      socket.write(headers);
      setTimeout(() => socket.write(body), opts.bodyDelayMs);
    });
  });
}

/** Everything the socket sends until it ends. */
export function readAll(socket: Socket, initial: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks = [initial];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    socket.resume();
  });
}

/** The payloads of Docker's multiplexed stream. */
export function demux(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    out += buf.subarray(i + 8, i + 8 + len).toString();
    i += 8 + len;
  }
  return out;
}
