// The addresses `shoal manage` listens on (-H): `[tcp://]host:port` or `unix:///path`.
import { UsageError } from './flags.js';

export interface ListenAddr {
  proto: 'tcp' | 'unix';
  /** host:port for tcp, a filesystem path for unix. */
  address: string;
}

/** `[tcp://]host:port` or `unix:///path`, as classic's server accepted. */
export function parseListenAddr(text: string): ListenAddr {
  const i = text.indexOf('://');
  const proto = i < 0 ? 'tcp' : text.slice(0, i);
  const address = i < 0 ? text : text.slice(i + 3);
  if (proto === 'unix') return { proto, address };
  if (proto !== 'tcp') throw new UsageError(`unsupported protocol: ${JSON.stringify(proto)}`);
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535 || address.slice(colon + 1) === '') {
    throw new UsageError(
      `invalid listen address ${JSON.stringify(text)}: expected tcp://host:port or unix:///path`,
    );
  }
  return { proto: 'tcp', address: address.startsWith(':') ? `0.0.0.0${address}` : address };
}
