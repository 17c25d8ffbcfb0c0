// The engine client after a failed connection: new requests go on new connections, so an engine that
// refuses new connections but still answers on old ones (a stopping dockerd) is judged on fresh ones.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { EngineClient } from '../../src/engine/client.js';
import { EngineUnreachableError } from '../../src/engine/connection-errors.js';
import { endpointOf } from '../../src/engine/endpoint.js';

let server: Server | undefined;
afterEach(() => server?.close());

it('resetConnections: the next request goes on a new connection, not the kept-alive one', async () => {
  const socketOf = new Map<string, unknown>();
  server = createServer((req, res) => {
    socketOf.set(req.url ?? '', req.socket);
    res.end('{}');
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = new EngineClient(endpointOf(`127.0.0.1:${port}`, false));
  await client.json('GET', '/a');
  // Let the connection go back to the pool: without a reset, the next request would reuse it.
  await new Promise((r) => setTimeout(r, 50));
  client.resetConnections();
  await client.json('GET', '/c');
  expect(socketOf.get('/c')).toBeDefined();
  expect(socketOf.get('/c')).not.toBe(socketOf.get('/a'));
  await client.close();
});

it('json: an engine that stops answering mid-body is unreachable once the timeout passes', async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"a":');
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = new EngineClient(endpointOf(`127.0.0.1:${port}`, false));
  await expect(client.json('GET', '/body', { timeoutMs: 300 })).rejects.toBeInstanceOf(
    EngineUnreachableError,
  );
  await client.close();
  server.closeAllConnections();
});
