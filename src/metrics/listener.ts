// --metrics-listen: /metrics on an address of its own, plain HTTP (for a scraper that has no client
// certificate; keep it on loopback or a management network). Nothing else is served there.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { log } from '../log.js';
import type { ShoalMetrics } from './metrics.js';

export class MetricsListener {
  private server: Server | undefined;

  constructor(private readonly metrics: ShoalMetrics) {}

  /** Listens (port 0: any free one); resolves once bound. */
  async listen({ host, port }: { host: string; port: number }): Promise<void> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
        return;
      }
      this.metrics.scrape().then(
        ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
        (err: unknown) => {
          log.error(`metrics: ${(err as Error).message}`);
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** `http://host:port/metrics` with the real port. */
  url(): string | undefined {
    const a = this.server?.address() as AddressInfo | null | undefined;
    if (!a) return undefined;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics`;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }
}
