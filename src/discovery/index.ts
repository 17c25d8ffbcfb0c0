// Picks the discovery backend from the URL's scheme, as classic did (no scheme means a node list).
import { DiscoveryError, type Discovery, type DiscoveryOptions } from './discovery.js';
import { ConsulDiscovery } from './consul.js';
import { parseEntryList } from './entries.js';
import { FileDiscovery } from './file.js';
import { NodesDiscovery } from './nodes.js';

/** A backend registered from elsewhere (Consul lives in its own module). */
export type DiscoveryFactory = (rest: string, opts: DiscoveryOptions) => Discovery;

const factories = new Map<string, DiscoveryFactory>([
  ['nodes', (rest) => new NodesDiscovery(parseEntryList(rest))],
  ['file', (rest, opts) => new FileDiscovery(rest, opts.heartbeatMs)],
  ['consul', (rest, opts) => new ConsulDiscovery(rest, opts)],
]);

export function registerDiscovery(scheme: string, factory: DiscoveryFactory): void {
  factories.set(scheme, factory);
}

export function splitDiscoveryUrl(uri: string): { scheme: string; rest: string } {
  // A bare list of unix sockets is a node list too.
  if (uri.startsWith('unix://') || uri.startsWith('tcp://')) return { scheme: 'nodes', rest: uri };
  const i = uri.indexOf('://');
  if (i < 0) return { scheme: 'nodes', rest: uri };
  return { scheme: uri.slice(0, i), rest: uri.slice(i + 3) };
}

export function createDiscovery(uri: string, opts: DiscoveryOptions): Discovery {
  const { scheme, rest } = splitDiscoveryUrl(uri);
  const factory = factories.get(scheme);
  if (!factory) throw new DiscoveryError('discovery service not supported');
  return factory(rest, opts);
}
