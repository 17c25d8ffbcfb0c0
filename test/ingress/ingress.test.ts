// Shoal's ingress on loopback: listeners open and close with the table, TCP connections are balanced
// round robin over the task ports (a refusing one skipped), half-closes pass, UDP sessions stick to a task.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Ingress } from '../../src/ingress/ingress.js';
import { setLogSink } from '../../src/log.js';
import { Picker, type Backend, type IngressRoute } from '../../src/ingress/route.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait.js';

setLogSink(() => undefined);
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A "task port" on loopback that answers every connection with its name, then what it read, then ends. */
async function task(name: string): Promise<Backend & { server: Server }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => s.end(`${name}:${Buffer.concat(got).toString()}`));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { id: name, host: '127.0.0.1', port: (server.address() as { port: number }).port, server };
}

/** Sends `text`, half-closes, and reads the answer to its end. */
function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let out = '';
    s.on('connect', () => s.end(text));
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

async function ingressWith(routes: IngressRoute[]): Promise<Ingress> {
  const ingress = new Ingress({ host: '127.0.0.1', retryMs: 100 });
  closers.push(() => ingress.close());
  ingress.apply(routes);
  await ingress.listening();
  return ingress;
}

describe('Picker', () => {
  it('takes turns, skips what failed, and keeps its turn over a new list', () => {
    const b = (id: string): Backend => ({ id, host: 'h', port: 1 });
    const p = new Picker();
    expect(p.next()).toBeUndefined();
    p.set([b('a'), b('b'), b('c')]);
    expect([p.next(), p.next(), p.next(), p.next()].map((x) => x?.id)).toEqual(['a', 'b', 'c', 'a']);
    expect(p.next(new Set(['b']))?.id).toBe('c');
    expect(p.next(new Set(['a', 'b', 'c']))).toBeUndefined();
    p.set([b('a'), b('d')]);
    expect(p.next()?.id).toBeDefined();
    expect(p.has('d')).toBe(true);
  });
});

describe('TCP', () => {
  it('balances connections round robin over the tasks and relays both ways, half-close included', async () => {
    const tasks = await Promise.all(['t1', 't2', 't3'].map(task));
    const port = await freePort();
    const ingress = await ingressWith([{ protocol: 'tcp', port, service: 'web', backends: tasks }]);
    expect(await ingress.listening()).toEqual([`${port}/tcp`]);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await ask(port, `hello ${i}`));
    expect(answers).toEqual([
      't1:hello 0',
      't2:hello 1',
      't3:hello 2',
      't1:hello 3',
      't2:hello 4',
      't3:hello 5',
    ]);
  });

  it('a task port that refuses is skipped for the next; no task at all closes the connection', async () => {
    const good = await task('good');
    const gone = { id: 'gone', host: '127.0.0.1', port: await freePort() };
    const port = await freePort();
    const ingress = await ingressWith([{ protocol: 'tcp', port, service: 'web', backends: [gone, good] }]);
    for (let i = 0; i < 4; i++) expect(await ask(port, 'x')).toBe('good:x');
    ingress.apply([{ protocol: 'tcp', port, service: 'web', backends: [] }]);
    expect(await ask(port, 'x')).toBe('');
  });

  it('follows the table: new tasks get connections, a port no longer published stops listening', async () => {
    const [a, b] = await Promise.all([task('a'), task('b')]);
    const port = await freePort();
    const ingress = await ingressWith([{ protocol: 'tcp', port, service: 'web', backends: [a] }]);
    expect(await ask(port, '1')).toBe('a:1');
    ingress.apply([{ protocol: 'tcp', port, service: 'web', backends: [b] }]);
    expect(await ask(port, '2')).toBe('b:2');
    ingress.apply([]);
    await waitFor('port closed', async () =>
      (await ask(port, '3').catch((e: Error) => e.message)).includes('ECONNREFUSED'),
    );
    expect(await ingress.listening()).toEqual([]);
  });

  it('a port it cannot listen on is logged and tried again later, the others served', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => busy.close(() => r())));
    const taken = (busy.address() as { port: number }).port;
    const a = await task('a');
    const port = await freePort();
    const routes: IngressRoute[] = [
      { protocol: 'tcp', port: taken, service: 'x', backends: [a] },
      { protocol: 'tcp', port, service: 'y', backends: [a] },
    ];
    const ingress = await ingressWith(routes);
    expect(await ingress.listening()).toEqual([`${port}/tcp`]);
    expect(await ask(port, 'ok')).toBe('a:ok');
    await new Promise<void>((r) => busy.close(() => r()));
    await waitFor('the port retried', async () => {
      ingress.apply(routes);
      return (await ingress.listening()).length === 2;
    });
    expect(await ask(taken, 'now')).toBe('a:now');
  });
});

describe('UDP', () => {
  async function udpTask(name: string): Promise<Backend> {
    const s = createSocket('udp4');
    s.on('message', (m, from) => s.send(`${name}:${m.toString()}`, from.port, from.address));
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => s.close(() => r())));
    return { id: name, host: '127.0.0.1', port: s.address().port };
  }

  function client(): UdpSocket {
    const c = createSocket('udp4');
    closers.push(() => new Promise<void>((r) => c.close(() => r())));
    return c;
  }

  function exchange(c: UdpSocket, port: number, text: string): Promise<string> {
    return new Promise((resolve) => {
      c.once('message', (m) => resolve(m.toString()));
      c.send(text, port, '127.0.0.1');
    });
  }

  it('each client is a session on one task; clients take turns; a gone task moves its session', async () => {
    const [u1, u2] = await Promise.all([udpTask('u1'), udpTask('u2')]);
    const port = await freePort();
    const route = (backends: Backend[]): IngressRoute => ({
      protocol: 'udp',
      port,
      service: 'dns',
      backends,
    });
    const ingress = await ingressWith([route([u1, u2])]);
    expect(await ingress.listening()).toEqual([`${port}/udp`]);
    const [c1, c2] = [client(), client()];
    expect(await exchange(c1, port, 'a')).toBe('u1:a');
    expect(await exchange(c1, port, 'b')).toBe('u1:b');
    expect(await exchange(c2, port, 'c')).toBe('u2:c');
    ingress.apply([route([u2])]);
    expect(await exchange(c1, port, 'd')).toBe('u2:d');
  });
});
