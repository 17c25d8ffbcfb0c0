// Reschedule bookkeeping in the state store (`reschedule/<swarmId>`): which copy of a moved container is the
// live one and which copies wait on failed engines to be removed, so that a restarted or newly elected
// manager neither moves a container twice nor removes the wrong copy when an engine returns.
import type { Engine } from '../engine/engine.js';
import type { Store } from '../store/store.js';
import { updateRecord } from '../store/update.js';

export interface CopyRef {
  /** Engine ID, and its name for people reading the store. */
  engine: string;
  engineName: string;
  container: string;
}

export interface MoveRecord {
  swarmId: string;
  name: string;
  /** moving: a manager is re-creating it (since `since`); moved: `current` is the live copy. */
  state: 'moving' | 'moved';
  since: string;
  current?: CopyRef;
  /** Copies left on engines that failed: removed when their engine comes back. */
  stale: CopyRef[];
}

/** A move that has not finished after this long was interrupted (a crash, a failover): it may be taken over. */
export const MOVE_LEASE_MS = 120_000;

export function moveKey(swarmId: string): string {
  return `reschedule/${swarmId}`;
}

export function copyRef(engine: Engine, container: string): CopyRef {
  return { engine: engine.id, engineName: engine.name, container };
}

export async function moveRecords(store: Store): Promise<Map<string, MoveRecord>> {
  const entries = await store.list('reschedule/');
  return new Map(entries.map((e) => [e.key.slice('reschedule/'.length), e.value as MoveRecord]));
}

/**
 * Claims the move of a container's copy on a failed engine. Returns the record as it was before (to put
 * back if the move fails), or 'busy' when another move of it is under way and not yet overdue.
 */
export async function claimMove(
  store: Store,
  swarmId: string,
  name: string,
  from: CopyRef,
  now = Date.now(),
): Promise<{ before: MoveRecord | undefined } | 'busy'> {
  let result: { before: MoveRecord | undefined } | 'busy' = 'busy';
  await updateRecord<MoveRecord>(store, moveKey(swarmId), (cur) => {
    if (cur?.state === 'moving' && now - Date.parse(cur.since) < MOVE_LEASE_MS) {
      result = 'busy';
      return cur;
    }
    result = { before: cur };
    const stale = (cur?.stale ?? []).filter((s) => s.container !== from.container);
    return {
      swarmId,
      name,
      state: 'moving',
      since: new Date(now).toISOString(),
      current: cur?.current,
      stale: [...stale, from],
    };
  });
  return result;
}

/** The move is done: `current` is the live copy, and `from` (when given) a stale one. */
export async function completeMove(
  store: Store,
  rec: Pick<MoveRecord, 'swarmId' | 'name' | 'current'>,
  from?: CopyRef,
): Promise<void> {
  await updateRecord<MoveRecord>(store, moveKey(rec.swarmId), (cur) => {
    const stale = (cur?.stale ?? []).filter((s) => s.container !== from?.container);
    return {
      swarmId: rec.swarmId,
      name: rec.name,
      current: rec.current,
      state: 'moved',
      since: new Date().toISOString(),
      stale: from ? [...stale, from] : stale,
    };
  });
}

/** The move failed: the record goes back to what it was. */
export async function abandonMove(store: Store, swarmId: string, before: MoveRecord | undefined) {
  await updateRecord<MoveRecord>(store, moveKey(swarmId), () => before);
}

/** A copy the record says is not the live one (once the move is done). */
export function isStale(rec: MoveRecord, containerId: string): boolean {
  return rec.state === 'moved' && rec.current !== undefined && rec.current.container !== containerId;
}

/** A stale copy was removed; the record goes once no stale copy is left. */
export async function staleRemoved(store: Store, swarmId: string, containerId: string) {
  await updateRecord<MoveRecord>(store, moveKey(swarmId), (cur) => {
    if (!cur) return undefined;
    const stale = cur.stale.filter((s) => s.container !== containerId);
    return stale.length === 0 && cur.state === 'moved' ? undefined : { ...cur, stale };
  });
}
