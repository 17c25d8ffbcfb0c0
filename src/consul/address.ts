// `consul://h:p[,h:p]/<prefix>` and the `kv.*` options: where Consul is and how to reach it.
import { readFileSync } from 'node:fs';
import { splitHostPort } from '../config/host-port.js';

/** A bad `consul://` address or kv.* option: the user's input, not Consul's answer (that is ConsulError). */
export class ConsulAddressError extends Error {
  override name = 'ConsulAddressError';
}

export interface ConsulTarget {
  /** Agents to try, in order ("host:port"). */
  hosts: string[];
  /** Key prefix without leading or trailing slash ("" for none). */
  prefix: string;
  token?: string;
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
}

/** Parses the part after `consul://`. */
export function parseConsulUrl(rest: string): { hosts: string[]; prefix: string } {
  const slash = rest.indexOf('/');
  const hostPart = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = (slash < 0 ? '' : rest.slice(slash + 1)).replace(/^\/+|\/+$/g, '');
  const hosts = hostPart.split(',').filter((h) => h !== '');
  if (hosts.length === 0) throw new ConsulAddressError(`consul discovery needs an address: consul://${rest}`);
  for (const h of hosts) {
    const { port } = splitHostPort(h);
    if (!/^\d+$/.test(port)) throw new ConsulAddressError(`invalid consul address ${h}`);
  }
  return { hosts, prefix };
}

/** The target with the `kv.*` discovery options: TLS (all three files or none) and the ACL token. */
export function consulTarget(
  rest: string,
  options: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): ConsulTarget {
  const target: ConsulTarget = parseConsulUrl(rest);
  const token = options['kv.token'] ?? env['CONSUL_HTTP_TOKEN'];
  if (token) target.token = token;
  const ca = options['kv.cacertfile'];
  const cert = options['kv.certfile'];
  const key = options['kv.keyfile'];
  // As classic: TLS only when all three are given.
  if (ca && cert && key) {
    const read = (what: string, path: string): Buffer => {
      try {
        return readFileSync(path);
      } catch (err) {
        throw new ConsulAddressError(`Couldn't read ${what} ${path}: ${(err as Error).message}`);
      }
    };
    target.tls = {
      ca: read('kv.cacertfile', ca),
      cert: read('kv.certfile', cert),
      key: read('kv.keyfile', key),
    };
  }
  return target;
}

/** Joins key parts under the prefix, as Go's path.Join does for these keys. */
export function keyOf(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts]
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/');
}
