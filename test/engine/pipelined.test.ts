// The background reads' pipelined client against a real HTTP server on loopback: one turn's requests go
// out together on one connection and come back in order; a kept-alive connection the server dropped, or an
// answer that closes, costs nothing but a new connection; refusals, timeouts and 404s reach the caller as
// the engine client's errors; an event stream reads on a connection of its own.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { EngineClient } from '../../src/engine/client.js';
import { EngineUnreachableError } from '../../src/engine/connection-errors.js';
import { endpointOf } from '../../src/engine/endpoint.js';
import { EngineHttpError } from '../../src/engine/errors.js';
import { EventStream } from '../../src/engine/event-stream.js';
import { PipelinedClient } from '../../src/engine/pipelined.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait.js';

let server: Server | undefined;
let client: EngineClient | undefined;
afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  server?.close();
  server = undefined;
  client = undefined;
});

/** A server answering `{"path": …}` (or `handle`'s answer), counting connections; the client before it. */
type Handle = (url: string, res: ServerResponse, req: IncomingMessage) => boolean;
async function serve(handle?: Handle) {
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (handle?.(req.url ?? '', res, req)) return;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url, pad: 'x'.repeat(3000) }));
  });
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  client = new EngineClient(endpointOf(`127.0.0.1:${port}`, false));
  return { sockets, seen, client };
}

const get = (c: EngineClient, path: string) => c.json<{ path: string }>('GET', path, { lane: 'background' });

it('one turn of 40 reads: one connection, each answer to its own request, in order', async () => {
  const { sockets, seen, client: c } = await serve();
  const paths = Array.from({ length: 40 }, (_, i) => `/containers/${i}/json`);
  const got = await Promise.all(paths.map((p) => get(c, p)));
  expect(got.map((g) => g.path)).toEqual(paths);
  expect(seen).toEqual(paths);
  expect(sockets.size).toBe(1);
});

it('a kept-alive connection the server dropped, and an answer that closes, only cost a new connection', async () => {
  const { sockets, client: c } = await serve((url, res) => {
    if (url !== '/closing') return false;
    res.setHeader('connection', 'close');
    res.end('{"path":"/closing"}');
    return true;
  });
  expect((await get(c, '/a')).path).toBe('/a');
  server?.closeIdleConnections();
  await new Promise((r) => setTimeout(r, 50));
  expect((await get(c, '/b')).path).toBe('/b');
  const after = await Promise.all(['/closing', '/c', '/d'].map((p) => get(c, p)));
  expect(after.map((g) => g.path)).toEqual(['/closing', '/c', '/d']);
  expect(sockets.size).toBe(3);
});

it('a connection that breaks mid-pipeline: the unanswered reads go again, once', async () => {
  let broken = 0;
  const { client: c } = await serve((url, _res, req) => {
    if (url !== '/break' || broken++ > 0) return false;
    req.socket.destroy();
    return true;
  });
  expect((await get(c, '/first')).path).toBe('/first');
  const got = await Promise.all(['/x', '/break', '/y'].map((p) => get(c, p)));
  expect(got.map((g) => g.path)).toEqual(['/x', '/break', '/y']);
});

it('an engine that refuses, or does not answer, is unreachable; a 404 is the engine’s error', async () => {
  const refused = new EngineClient(endpointOf(`127.0.0.1:${await freePort()}`, false));
  await expect(get(refused, '/info')).rejects.toBeInstanceOf(EngineUnreachableError);
  await refused.close();
  const { client: c } = await serve((url, res) => {
    if (url === '/missing') {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end('{"message":"No such container: missing"}');
      return true;
    }
    return url === '/silent'; // never answered
  });
  const err = await get(c, '/missing').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EngineHttpError);
  expect((err as EngineHttpError).status).toBe(404);
  expect((err as EngineHttpError).message).toContain('No such container: missing');
  expect((await get(c, '/after-404')).path).toBe('/after-404');
});

it('an answer that does not come within the timeout fails with ETIMEDOUT, and the next read goes on a new connection', async () => {
  const { sockets } = await serve((url) => url === '/silent');
  const port = (server?.address() as AddressInfo).port;
  const p = new PipelinedClient({
    connect: () => connect({ host: '127.0.0.1', port }),
    host: `127.0.0.1:${port}`,
    timeoutMs: 200,
    connectTimeoutMs: 1000,
    idleMs: 1000,
    maxInFlight: 4,
  });
  const t0 = Date.now();
  await expect(p.get('/silent')).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  expect(Date.now() - t0).toBeLessThan(2000);
  expect((await p.get('/after')).status).toBe(200);
  expect(sockets.size).toBe(2);
  p.close();
  await expect(p.get('/closed')).rejects.toMatchObject({ code: 'UND_ERR_CLOSED' });
});

it('an event stream: lines as they come on a connection of its own, its end, a refusal, and stop', async () => {
  let live: ServerResponse | undefined;
  const { client: c } = await serve((url, res) => {
    if (url.startsWith('/events?since=5')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"Type":"container","Action":"start","id":"a","time":5,"timeNano":5000000001}\n{"Type":');
      live = res;
      return true;
    }
    if (url.startsWith('/events')) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"no"}');
      return true;
    }
    return false;
  });
  const events: string[] = [];
  let ended: { err?: unknown } | undefined;
  const stream = new EventStream(c, {
    event: (ev) => events.push(`${ev.Action} ${ev.Actor.ID} ${ev.timeNanoText}`),
    end: (err) => (ended = { err }),
  });
  stream.start('5');
  await waitFor('the first event', () => events.length === 1);
  live?.write('"container","Action":"die","id":"a","time":6,"timeNano":6}\n');
  await waitFor('the second event', () => events.length === 2);
  live?.end();
  await waitFor('the end', () => ended);
  expect(events).toEqual(['start a 5000000001', 'die a 6']);
  expect(ended?.err).toBeUndefined();

  let refused: { err?: unknown } | undefined;
  new EventStream(c, { event: () => undefined, end: (err) => (refused = { err }) }).start();
  await waitFor('the refusal', () => refused);
  expect(String(refused?.err)).toContain('events stream answered 500');

  let after = false;
  const stopped = new EventStream(c, { event: () => undefined, end: () => (after = true) });
  stopped.start('5');
  await new Promise((r) => setTimeout(r, 50));
  stopped.stop();
  await new Promise((r) => setTimeout(r, 50));
  expect(after).toBe(false);
});
