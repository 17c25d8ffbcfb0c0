// The native batched UDP (native/udp_batch.c), built by the test command's build: a socket bound with
// port 0 and refused when taken, a burst of datagrams answered in batches to each sender, a datagram too
// long for a slot left out, one sent on its own, and a socket closed while served.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { batchUdp, intToIp, ipToInt, type BatchUdp } from '../../src/dns/batch-udp.js';
import { waitFor } from '../support/wait.js';

const clients: Socket[] = [];
afterAll(() => clients.forEach((c) => c.close()));

async function client(): Promise<{ sock: Socket; got: Buffer[] }> {
  const sock = createSocket('udp4');
  clients.push(sock);
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { sock, got };
}

describe('batched UDP', () => {
  const udp = batchUdp() as BatchUdp;

  it('is built', () => {
    expect(udp).toBeDefined();
    expect([udp.BATCH, udp.SLOT, udp.OUT_SLOT]).toEqual([64, 4096, 4096]);
  });

  it('binds a picked port, and refuses one taken', () => {
    const [fd, port] = udp.bind('127.0.0.1', 0);
    expect(port).toBeGreaterThan(0);
    expect(() => udp.bind('127.0.0.1', port)).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
    udp.close(fd);
  });

  it('answers a burst in batches, each to its sender, and leaves out a datagram longer than a slot', async () => {
    const [fd, port] = udp.bind('127.0.0.1', 0);
    const batches: number[] = [];
    const [input, metaBytes, output] = udp.serve(fd, (n) => {
      batches.push(n);
      const meta = new Int32Array(metaBytes.buffer, metaBytes.byteOffset, metaBytes.length / 4);
      let answers = 0;
      for (let k = 0; k < n; k++) {
        const len = meta[3 * k] as number;
        if (len < 0) continue;
        const text = `echo ${input.toString('latin1', k * udp.SLOT, k * udp.SLOT + len)}`;
        output.write(text, answers * udp.OUT_SLOT, 'latin1');
        const at = 3 * udp.BATCH + 3 * answers;
        meta[at] = text.length;
        meta[at + 1] = meta[3 * k + 1] as number;
        meta[at + 2] = meta[3 * k + 2] as number;
        answers++;
      }
      return answers;
    });
    const a = await client();
    const b = await client();
    a.sock.send(Buffer.alloc(udp.SLOT + 100, 1), port, '127.0.0.1');
    for (let i = 0; i < 200; i++) (i % 2 ? b : a).sock.send(`q${i}`, port, '127.0.0.1');
    await waitFor('every answer', () => a.got.length + b.got.length === 200, 5000);
    expect(a.got.map(String)).toEqual(Array.from({ length: 100 }, (_, i) => `echo q${2 * i}`));
    expect(b.got.map(String)).toEqual(Array.from({ length: 100 }, (_, i) => `echo q${2 * i + 1}`));
    expect(batches.reduce((x, y) => x + y, 0)).toBe(201);
    udp.sendTo(fd, Buffer.from('later'), ipToInt('127.0.0.1'), a.sock.address().port);
    await waitFor('the one sent on its own', () => a.got.at(-1)?.toString() === 'later', 2000);
    udp.close(fd);
    a.sock.send('after close', port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 100));
    expect(a.got.at(-1)?.toString()).toBe('later');
  });

  it('turns addresses into 32 bits and back', () => {
    for (const ip of ['127.0.0.1', '198.18.255.1', '0.0.0.0', '255.255.255.255'])
      expect(intToIp(ipToInt(ip))).toBe(ip);
    expect(ipToInt('198.18.0.1')).toBe(0xc6120001);
  });
});
