// What a recorded network that an engine lacks has become: still there on other engines (make the missing
// part), removed out of band from every engine it had a part on (forget it, never resurrect it), or not
// known yet (wait until the engines that could tell have answered).
import type { Engine } from '../engine/engine.js';
import type { Pool } from '../pool/pool.js';
import { CLUSTER_LABEL } from './cluster-networks.js';
import { withoutPart, type NetworkRecord } from './records.js';

export type Fate = 'repair' | 'forget' | 'wait';

/** What the decision reads of an engine of the pool. */
export interface EngineView {
  /** "" until the engine has been validated (it could be any of the record's engines). */
  readonly id: string;
  readonly healthy: boolean;
  /** Whether its network list has a part of this network. */
  readonly hasPart: boolean;
}

/**
 * Pure: a part on any healthy engine means the network exists; no part on any of the engines it was made
 * on, every one of them present and healthy (and no engine of the pool still unknown), means it was
 * removed behind Shoal's back. Engines that left the pool no longer count.
 */
export function fateOf(rec: NetworkRecord, engines: readonly EngineView[]): Fate {
  const listed = engines.filter((e) => e.id !== '' && e.id in rec.parts);
  if (engines.some((e) => e.healthy && e.hasPart)) return 'repair';
  if (engines.some((e) => e.id === '')) return 'wait';
  return listed.length > 0 && listed.every((e) => e.healthy) ? 'forget' : 'wait';
}

export function viewsOf(pool: Pool, networkId: string): EngineView[] {
  return pool.all().map((e: Engine) => ({
    id: e.state === 'healthy' || e.state === 'unhealthy' ? e.id : '',
    healthy: e.isHealthy,
    hasPart: e.lists.networks.some((n) => n.Labels?.[CLUSTER_LABEL] === networkId),
  }));
}

/** The tombstone of a network removed out of band: the engines here are done with it. */
export function forgotten(rec: NetworkRecord | undefined, pool: Pool): NetworkRecord | undefined {
  if (rec?.state !== 'created') return rec;
  const here = pool.healthy().filter((e) => e.id in rec.parts);
  return here.reduce<NetworkRecord | undefined>(withoutPart, { ...rec, state: 'removed' });
}
