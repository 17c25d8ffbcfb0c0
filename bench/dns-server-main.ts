// The DNS bench's server child: Shoal's DnsServer on `host`, port 0, over the bench's NameIndex (dns-names.ts),
// with 127.0.0.1 a container on the names' network. No upstreams: nothing is forwarded. Prints its port;
// SIGTERM ends it cleanly, so `node --cpu-prof` writes its profile. With `floor`, a bare node:dgram socket
// answers every query with the same 4 A records instead: what Node's own path for a datagram costs.
import { createSocket } from 'node:dgram';
import { DnsServer } from '../src/dns/server.js';
import { Upstreams } from '../src/dns/upstream.js';
import { benchIndex } from './dns-names.js';

/** The query's bytes, flagged as an answer, and 4 A records pointing back at its name. */
function floor(host: string): void {
  const records = Buffer.alloc(64);
  for (let i = 0; i < 4; i++) {
    records.writeUInt16BE(0xc00c, i * 16);
    records.writeUInt16BE(1, i * 16 + 2); // A
    records.writeUInt16BE(1, i * 16 + 4); // IN
    records.writeUInt32BE(2, i * 16 + 6); // TTL
    records.writeUInt16BE(4, i * 16 + 10);
    records.writeUInt32BE(0x0a000002 + i, i * 16 + 12);
  }
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const out = Buffer.allocUnsafe(msg.length + records.length);
    msg.copy(out);
    out.writeUInt16BE(0x8580 | (msg.readUInt16BE(2) & 0x0100), 2);
    out.writeUInt16BE(4, 6);
    records.copy(out, msg.length);
    sock.send(out, rinfo.port, rinfo.address);
  });
  sock.bind(0, host, () => process.stdout.write(`DNS on ${host}:${sock.address().port} (floor)\n`));
  process.once('SIGTERM', () => sock.close(() => process.exit(0)));
}

async function main(): Promise<void> {
  const [names = '1000', replicas = '4', host = '127.0.0.1', mode] = process.argv.slice(2);
  if (mode === 'floor') return floor(host);
  const index = benchIndex(Number(names), Number(replicas), '127.0.0.1');
  const make = () =>
    new DnsServer({
      index,
      upstreams: new Upstreams({ servers: [] }),
      settings: { ttl: 2, oneAnswer: false, rng: Math.random },
      upstreamFor: () => undefined,
    });
  // Port 0 picks UDP's port and TCP takes the same number, which may be taken: try again then.
  let server = make();
  let bound: { port: number } | undefined;
  for (let attempt = 1; !bound; attempt++) {
    try {
      [bound] = await server.listen([{ host, port: 0 }]);
    } catch (err) {
      if (attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      await server.close();
      server = make();
    }
  }
  process.stdout.write(`DNS on ${host}:${bound.port} (${index.size} containers)\n`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`dns-server-main: ${String(err)}\n`);
  process.exit(1);
});
