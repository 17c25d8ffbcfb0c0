// A DNS client for tests: one query over UDP (from a chosen loopback address, as a container asking) or TCP
// to a server on 127.0.0.1, decoded with dns-packet.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';

export type Q = { name: string; type?: string; edns?: number };
export type Decoded = dnsPacket.DecodedPacket & { rcode?: string };

export function query(q: Q, id = 7): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: (q.type ?? 'A') as 'A', name: q.name }],
    additionals: q.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: q.edns }] : [],
  } as dnsPacket.Packet);
}

export function udpQuery(port: number, q: Q, from = '127.0.0.1'): Promise<Decoded & { raw: Buffer }> {
  const s = createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.on('message', (m) => {
      s.close();
      resolve({ ...dnsPacket.decode(m), raw: m });
    });
    s.bind(0, from, () => s.send(query(q), port, '127.0.0.1', (err) => err && reject(err)));
  });
}

export function tcpQuery(port: number, q: Q, from?: string): Promise<Decoded> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port, ...(from ? { localAddress: from } : {}) });
    let buf = Buffer.alloc(0);
    sock.on('connect', () => {
      const body = query(q);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(body.length);
      sock.write(Buffer.concat([len, body]));
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.destroy();
        resolve(dnsPacket.decode(buf.subarray(2)));
      }
    });
  });
}

/** The addresses of an answer's records, in order. */
export const addrs = (p: dnsPacket.DecodedPacket): string[] =>
  (p.answers ?? []).map((a) => (a as { data: string }).data);
