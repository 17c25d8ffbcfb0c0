// A replicated service: exactly Replicas slots taken. Missing slots get a task (lowest free numbers first);
// surplus slots go, non-running ones first, then from the node with most of the service, highest slot first.
import type { Freshness } from './dirty.js';
import { isLive, type Pass, type TaskView } from './pass.js';
import { groupBy, isOccupied, nodeLoss, pickKeeper, settle, trim } from './slot.js';
import type { Service } from './types.js';
import { rollout } from './updater.js';

export function reconcileReplicated(
  pass: Pass,
  service: Service,
  views: TaskView[],
  replicas: number,
  fresh: Freshness,
): void {
  const valid: TaskView[] = [];
  for (const v of views) {
    if (Number.isInteger(v.task.Slot) && v.task.Slot >= 1) valid.push(v);
    else pass.retire(v, 'not a slot of a replicated service');
  }
  const bySlot = groupBy(valid, (v) => v.task.Slot);
  const slots = new Map([...bySlot.keys()].sort((a, b) => a - b).map((k) => [k, bySlot.get(k) ?? []]));
  const occupied = [...slots.keys()].filter((s) => isOccupied(pass, service, slots.get(s) ?? []));
  const surplus = occupied.length - replicas;
  const victims = new Set(surplus > 0 ? scaleDownVictims(slots, occupied, surplus) : []);
  // The rolling update works on the slots that stay (SwarmKit updates the kept slots of a scale-down).
  const kept = [...slots].filter(([slot]) => !victims.has(slot)).map(([slot, group]) => ({ slot, group }));
  rollout(pass, service, kept, fresh);
  for (const [slot, group] of slots) {
    if (victims.has(slot)) {
      // The whole slot goes, history too, so that a later scale-up finds it free.
      for (const v of group) pass.retire(v, 'scaled down');
      continue;
    }
    settle(pass, service, group, { slot, moveOnNodeLoss: true, frozen: false }, fresh);
    trim(pass, group);
  }
  const taken = new Set(occupied);
  for (let slot = 1, missing = -surplus; missing > 0; slot++) {
    if (taken.has(slot)) continue;
    taken.add(slot);
    // A slot number may come back while its old task is still stopping: the new one then waits its turn.
    const busy = slots.get(slot)?.some(isLive) ?? false;
    pass.create({
      serviceId: service.ID,
      slot,
      specVersion: service.SpecVersion,
      desiredState: busy ? 'ready' : 'running',
      reason: `slot ${slot} is missing`,
    });
    missing--;
  }
  // A slot that is neither taken nor refilled is not used any more: what is left of it goes.
  for (const [slot, group] of slots) {
    if (!taken.has(slot)) for (const v of group) pass.retire(v, 'slot not used any more');
  }
}

/** The `count` slots to remove (see the header), most removable first. */
export function scaleDownVictims(
  slots: ReadonlyMap<number, readonly TaskView[]>,
  occupied: readonly number[],
  count: number,
): number[] {
  const idle: number[] = [];
  const byNode = new Map<string, number[]>();
  for (const slot of occupied) {
    const group = slots.get(slot) ?? [];
    const keeper = pickKeeper(group);
    // Running where it may stay; one on a drained node would move anyway, so it counts as idle.
    if (keeper && keeper.state === 'running' && isLive(keeper) && nodeLoss(keeper) === undefined) {
      const list = byNode.get(keeper.task.NodeID);
      if (list) list.push(slot);
      else byNode.set(keeper.task.NodeID, [slot]);
    } else {
      idle.push(slot);
    }
  }
  idle.sort((a, b) => b - a);
  const victims = idle.slice(0, count);
  for (const list of byNode.values()) list.sort((a, b) => b - a);
  while (victims.length < count) {
    let from: number[] | undefined;
    for (const list of byNode.values()) {
      if (list.length === 0) continue;
      if (
        !from ||
        list.length > from.length ||
        (list.length === from.length && (list[0] ?? 0) > (from[0] ?? 0))
      )
        from = list;
    }
    const slot = from?.shift();
    if (slot === undefined) break;
    victims.push(slot);
  }
  return victims;
}
