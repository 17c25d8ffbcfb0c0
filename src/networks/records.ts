// Cluster networks in the state store (`networks/<clusterId>`): the settings a part is made with and each
// engine's subnet, so allocations survive restarts, and a tombstone for a removed network until every
// engine that had a part has dropped it.
import type { Engine } from '../engine/engine.js';
import type { NetworkSummary } from '../engine/resource-lists.js';
import type { Store } from '../store/store.js';
import { updateRecord } from '../store/update.js';
import type { ClusterNetwork } from './cluster-networks.js';
import { specOf, type NetworkSpec } from './spec.js';

/**
 * creating: intent recorded, parts being made (a crash leaves it: the network is then rolled back);
 * created: the network exists; removed: parts listed are left to delete, on engines that were away.
 */
export type NetworkState = 'creating' | 'created' | 'removed';

export interface PartRecord {
  /** The engine's name, for people reading the store. */
  engine: string;
  subnet?: string;
}

export interface NetworkRecord {
  id: string;
  name: string;
  state: NetworkState;
  /** What every part is made with (the cluster label and the subnets are added per part). */
  spec: NetworkSpec;
  created: string;
  /** By engine ID: the engines with a part (for a removed network: still with one). */
  parts: Record<string, PartRecord>;
}

/** Clusters IDs being created by this process: their `creating` records are not abandoned. */
export const creatingHere = new Set<string>();

export function networkKey(id: string): string {
  return `networks/${id}`;
}

export async function networkRecords(store: Store): Promise<Map<string, NetworkRecord>> {
  const entries = await store.list('networks/');
  return new Map(entries.map((e) => [e.key.slice('networks/'.length), e.value as NetworkRecord]));
}

/** Every subnet a record holds for an engine: not to be handed to another part. */
export function recordedSubnets(records: Iterable<NetworkRecord>): string[] {
  return [...records].flatMap((r) => Object.values(r.parts).flatMap((p) => (p.subnet ? [p.subnet] : [])));
}

export function updateNetwork(
  store: Store,
  id: string,
  change: (cur: NetworkRecord | undefined) => NetworkRecord | undefined,
): Promise<NetworkRecord | undefined> {
  return updateRecord<NetworkRecord>(store, networkKey(id), change);
}

export function subnetOf(part: NetworkSummary): string | undefined {
  return part.IPAM?.Config?.find((c) => c.Subnet)?.Subnet;
}

export function partRecord(engine: Engine, subnet: string | undefined): PartRecord {
  return subnet ? { engine: engine.name, subnet } : { engine: engine.name };
}

/** A network found on the engines with no record (made before the store): recorded as it is. */
export function adoptedRecord(c: ClusterNetwork): NetworkRecord | undefined {
  const first = [...c.parts.values()][0];
  if (!first) return undefined;
  return {
    id: c.id,
    name: c.name,
    state: 'created',
    spec: specOf(first),
    created: typeof first['Created'] === 'string' ? first['Created'] : new Date().toISOString(),
    parts: Object.fromEntries([...c.parts].map(([e, p]) => [e.id, partRecord(e, subnetOf(p))])),
  };
}

/** The record with an engine's part added (or, with undefined, dropped). */
export function withPart(rec: NetworkRecord, engine: Engine, part: PartRecord | undefined): NetworkRecord {
  const parts = { ...rec.parts };
  if (part) parts[engine.id] = part;
  else delete parts[engine.id];
  return { ...rec, parts };
}

/** A removed network's record once no engine is left to clean up is deleted. */
export function withoutPart(rec: NetworkRecord | undefined, engine: Engine): NetworkRecord | undefined {
  if (!rec) return undefined;
  const next = withPart(rec, engine, undefined);
  return next.state === 'removed' && Object.keys(next.parts).length === 0 ? undefined : next;
}
