// "host:port" split as Go's net.SplitHostPort does, with its error texts: engine, Consul and advertise addresses.

/** A malformed host:port; the message is Go's (`address x: missing port in address`). */
export class AddressError extends Error {
  override name = 'AddressError';
}

/** Splits a host:port the way Go's net.SplitHostPort does, with its error texts. */
export function splitHostPort(addr: string): { host: string; port: string } {
  const missing = () => new AddressError(`address ${addr}: missing port in address`);
  if (addr.startsWith('[')) {
    const end = addr.indexOf(']');
    if (end < 0) throw new AddressError(`address ${addr}: missing ']' in address`);
    if (addr[end + 1] !== ':') throw missing();
    return { host: addr.slice(1, end), port: addr.slice(end + 2) };
  }
  const colon = addr.lastIndexOf(':');
  if (colon < 0) throw missing();
  const host = addr.slice(0, colon);
  if (host.includes(':')) throw new AddressError(`address ${addr}: too many colons in address`);
  return { host, port: addr.slice(colon + 1) };
}
