// A cluster's identity: its discovery, written one way (a node list expanded and sorted, so order and
// ranges do not matter), hashed. The state store keeps each cluster's records apart by it.
import { createHash } from 'node:crypto';
import { parseEntryList } from './entries.js';
import { splitDiscoveryUrl } from './index.js';

export function clusterIdentity(discovery: string): string {
  const { scheme, rest } = splitDiscoveryUrl(discovery);
  const canonical =
    scheme === 'nodes'
      ? `nodes://${[...parseEntryList(rest)].sort().join(',')}`
      : `${scheme}://${rest.replace(/\/+$/, '')}`;
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
