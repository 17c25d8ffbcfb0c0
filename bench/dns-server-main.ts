// The DNS bench's server child: Shoal's DNS (serving.ts: `workers=<n>` worker processes answer UDP, or 0 for
// Shoal's own thread) on `host`, port 0, over the bench's NameIndex (dns-names.ts), with 127.0.0.1 a
// container on the names' network. No upstreams: nothing is forwarded. Prints its port;
// SIGTERM ends it cleanly, so `node --cpu-prof` writes its profile. With `floor`, a bare node:dgram socket
// answers every query with the same 4 A records instead: what Node's own path for a datagram costs.
import { createSocket } from 'node:dgram';
import { DnsServing } from '../src/dns/serving.js';
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
  const [names = '1000', replicas = '4', host = '127.0.0.1', mode = 'workers=0'] = process.argv.slice(2);
  if (mode === 'floor') return floor(host);
  const workers = Number(/^workers=(\d+)$/.exec(mode)?.[1] ?? NaN);
  if (!Number.isInteger(workers)) throw new Error(`mode: floor or workers=<n>, not ${mode}`);
  const index = benchIndex(Number(names), Number(replicas), '127.0.0.1');
  // The names do not change during the bench: the workers' copies are the index as it is.
  const feed = { snapshot: () => [...index.all()], follow: () => undefined };
  const serving = new DnsServing(index, feed, { ttl: 2, answers: 0, upstreams: [], workers });
  const [bound] = await serving.listen([{ host, port: 0 }]);
  process.stdout.write(`DNS on ${host}:${bound?.port} (${index.size} containers; ${serving.describe()})\n`);
  process.once('SIGTERM', () => void serving.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`dns-server-main: ${String(err)}\n`);
  process.exit(1);
});
