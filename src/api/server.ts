// The HTTP front: one server per -H address, Docker's /vX.Y prefix, routing, upgrades, errors.
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TlsOptions } from 'node:tls';
import type { ListenAddr } from '../config/listen.js';
import { INSECURE_BIND_WARNING, isLoopback, type TlsConfig } from '../config/tls.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';
import { SHOAL } from '../version.js';
import type { RequestContext } from './context.js';
import type { ApiDeps } from './deps.js';
import { sendError, setStandardHeaders } from './respond.js';
import { buildRouter } from './routes.js';
import type { Router } from './router.js';
import { splitVersion } from './router.js';
import { handleUpgrade } from './upgrade.js';
import { logAccess } from './access-log.js';
import { countRequest } from './request-metrics.js';
import { UNMATCHED_ROUTE } from '../metrics/metrics.js';
import { checkVersion, currentVersions } from './version-check.js';

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Origin, X-Requested-With, Content-Type, Accept, X-Registry-Auth',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, PUT, OPTIONS, HEAD',
};

export class ApiServer {
  private readonly servers: Server[] = [];
  /** Every connection, upgraded ones included (those are no longer the HTTP server's), so close() ends all. */
  private readonly sockets = new Set<Duplex>();
  private readonly router: Router;

  constructor(private readonly deps: ApiDeps) {
    this.router = buildRouter(deps);
    setStandardHeaders({
      apiVersion: () => currentVersions(deps.pool).api,
      server: `Shoal/${SHOAL.version} (linux)`,
    });
  }

  async listen(hosts: readonly ListenAddr[]): Promise<void> {
    for (const host of hosts) this.servers.push(await this.listenOne(host));
  }

  /** True when the listeners speak TLS (the URLs stay tcp://, as DOCKER_HOST wants them with DOCKER_TLS_VERIFY). */
  get secure(): boolean {
    return this.deps.tls !== undefined;
  }

  /** "tcp://127.0.0.1:PORT" for each listener (the real port when 0 was asked). */
  urls(): string[] {
    return this.servers.map((s) => {
      const a = s.address();
      if (typeof a === 'string') return `unix://${a}`;
      const info = a as AddressInfo;
      return `tcp://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`;
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    this.servers.length = 0;
  }

  private listenOne(host: ListenAddr): Promise<Server> {
    const http = { noDelay: true, requestTimeout: 0, headersTimeout: 60_000, maxHeaderSize: 64 * 1024 };
    const tls = this.deps.tls;
    // As classic: TLS on every listener, unix sockets included. Half-open, as node:http's own server is,
    // so a hijacked client's FIN (stdin EOF) does not end the output still to come.
    const server: Server = tls
      ? createHttpsServer({ ...http, ...serverTlsOptions(tls), allowHalfOpen: true })
      : createServer(http);
    if (host.proto === 'tcp' && !tls?.verify && !isLoopback(host.address))
      log.warn(INSECURE_BIND_WARNING, { host: `tcp://${host.address}` });
    server.keepAliveTimeout = 60_000;
    server.on('request', (req, res) => void this.handle(req, res));
    server.on('connection', (socket: Duplex) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const replica = this.deps.replica;
      if (replica?.forwards(splitVersion((req.url ?? '/').split('?')[0] ?? '/').rest)) {
        void replica.forwardUpgrade(req, socket, head);
        return;
      }
      void handleUpgrade(this.deps, req, socket, head);
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
    server.on('tlsClientError', (err: Error) => log.debug(`TLS handshake failed: ${err.message}`));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      const done = () => {
        server.off('error', reject);
        resolve(server);
      };
      if (host.proto === 'unix') {
        if (existsSync(host.address)) unlinkSync(host.address);
        server.listen(host.address, () => {
          chmodSync(host.address, 0o600);
          done();
        });
      } else {
        const colon = host.address.lastIndexOf(':');
        server.listen(
          Number(host.address.slice(colon + 1)),
          host.address.slice(0, colon).replace(/^\[|\]$/g, ''),
          done,
        );
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.deps.cors) for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
      const url = req.url ?? '/';
      const qi = url.indexOf('?');
      const rawQuery = qi < 0 ? '' : url.slice(qi + 1);
      const { version, rest } = splitVersion(qi < 0 ? url : url.slice(0, qi));
      const method = req.method ?? 'GET';
      logAccess(req, res, method, rest);
      const match = this.router.match(method, rest);
      countRequest(this.deps.metrics, res, method, 'route' in match ? match.route.pattern : UNMATCHED_ROUTE);
      if (this.deps.replica?.forwards(rest)) {
        await this.deps.replica.forward(req, res);
        return;
      }
      if (method === 'OPTIONS' && this.deps.cors) {
        res.writeHead(200).end();
        return;
      }
      if (!('route' in match)) throw ApiError.notFound('page not found');
      checkVersion(this.deps.pool, version);
      const ctx: RequestContext = {
        req,
        res,
        method,
        path: rest,
        version,
        query: new URLSearchParams(rawQuery),
        rawQuery,
        params: match.params,
      };
      await match.route.handler(ctx);
    } catch (err) {
      sendError(res, err);
      // A body the handler never read must not be taken for the next request on this connection.
      if (!req.complete) req.resume();
    }
  }
}

/** classic's listener config: TLS 1.2 or later, ALPN http/1.1; with --tlsverify a client certificate signed by the CA. */
function serverTlsOptions(tls: TlsConfig): TlsOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    ca: tls.ca,
    minVersion: 'TLSv1.2',
    ALPNProtocols: ['http/1.1'],
    requestCert: tls.verify,
    rejectUnauthorized: tls.verify,
  };
}
