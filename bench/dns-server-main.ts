// The DNS bench's server child: Shoal's DnsServer on `host`, port 0, over the bench's NameIndex (dns-names.ts),
// with 127.0.0.1 a container on the names' network. No upstreams: nothing is forwarded. Prints its port;
// SIGTERM ends it cleanly, so `node --cpu-prof` writes its profile.
import { DnsServer } from '../src/dns/server.js';
import { Upstreams } from '../src/dns/upstream.js';
import { benchIndex } from './dns-names.js';

async function main(): Promise<void> {
  const [names = '1000', replicas = '4', host = '127.0.0.1'] = process.argv.slice(2);
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
