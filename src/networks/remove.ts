// Removing a cluster network: the record becomes a tombstone listing every engine with a part, each part
// is deleted, and the tombstone goes once no engine is left; an engine away meanwhile drops its part on return.
import type { Engine } from '../engine/engine.js';
import { describe } from '../engine/connection-errors.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';
import { CLUSTER_LABEL, type ClusterNetwork, type NetworkDeps } from './cluster-networks.js';
import {
  adoptedRecord,
  networkRecords,
  partRecord,
  subnetOf,
  updateNetwork,
  withoutPart,
  type NetworkRecord,
} from './records.js';

function tombstone(cur: NetworkRecord | undefined, c: ClusterNetwork): NetworkRecord | undefined {
  const base = cur ?? adoptedRecord(c);
  if (!base) return undefined;
  const seen = Object.fromEntries([...c.parts].map(([e, p]) => [e.id, partRecord(e, subnetOf(p))]));
  return { ...base, state: 'removed', parts: { ...base.parts, ...seen } };
}

export async function removeClusterNetwork(deps: NetworkDeps, c: ClusterNetwork): Promise<void> {
  // The tombstone first: if the store cannot take it, nothing is removed.
  await updateNetwork(deps.store, c.id, (cur) => tombstone(cur, c));
  const parts = [...c.parts];
  const results = await Promise.allSettled(parts.map(([engine, part]) => engine.ops.removeNetwork(part.Id)));
  const gone = parts.flatMap(([engine], i) => (results[i]?.status === 'fulfilled' ? [engine] : []));
  await updateNetwork(deps.store, c.id, (cur) => gone.reduce<NetworkRecord | undefined>(withoutPart, cur));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${parts[i]?.[0].name ?? '?'}: ${(r.reason as Error).message}`] : [],
  );
  if (failed.length > 0)
    throw ApiError.internal(`network ${c.name} was not removed everywhere: ${failed.join('; ')}`);
}

/**
 * After a prune: a recorded network no healthy engine has a part of any more was pruned, so it is removed
 * (a part kept on an engine that was away is dropped when it returns), not made again.
 */
export async function forgetPruned(deps: NetworkDeps): Promise<void> {
  const healthy = new Map<string, Engine>(deps.pool.healthy().map((e) => [e.id, e]));
  try {
    for (const rec of (await networkRecords(deps.store)).values()) {
      if (rec.state !== 'created') continue;
      const listed = Object.keys(rec.parts).flatMap((id) => healthy.get(id) ?? []);
      const left = listed.some((e) => e.lists.networks.some((n) => n.Labels?.[CLUSTER_LABEL] === rec.id));
      if (listed.length === 0 || left) continue;
      await updateNetwork(deps.store, rec.id, (cur) =>
        cur?.state === 'created'
          ? listed.reduce<NetworkRecord | undefined>(withoutPart, { ...cur, state: 'removed' })
          : cur,
      );
    }
  } catch (err) {
    // The prune itself is done: its answer stands.
    log.warn(
      `Could not record the networks pruned (they may be made again on engines that return): ${describe(err)}`,
    );
  }
}
