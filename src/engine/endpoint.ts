// Where an engine listens: a TCP host:port or a unix socket, from its discovery address.
import { isIP } from 'node:net';

export interface EngineEndpoint {
  /** The discovery address, as shown to users: "198.18.0.10:2375" or "unix:///run/docker.sock". */
  readonly addr: string;
  /** Origin for HTTP requests (host header). */
  readonly origin: string;
  readonly socketPath?: string;
  readonly host: string;
  readonly port: number;
}

export function endpointOf(addr: string, tls = false): EngineEndpoint {
  if (addr.startsWith('unix://')) {
    return {
      addr,
      origin: 'http://localhost',
      socketPath: addr.slice('unix://'.length),
      host: 'localhost',
      port: 0,
    };
  }
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(addr.slice(colon + 1));
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  return { addr, origin: `${tls ? 'https' : 'http'}://${bracketed}:${port}`, host, port };
}
