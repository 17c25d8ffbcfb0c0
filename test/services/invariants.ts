// What must hold of a simulated cluster after every reconcile pass, and what "converged" means.
import { containerFacts } from '../../src/services/facts.js';
import { serviceMode } from '../../src/services/spec.js';
import { isTerminal, rankOf } from '../../src/services/task-state.js';
import type { DesiredService, Task } from '../../src/services/types.js';
import { CLUSTER } from './fixtures.js';
import type { World } from './sim.js';

const slotKey = (t: Task) => `${t.ServiceID} ${t.Slot !== 0 ? `slot ${t.Slot}` : `node ${t.NodeID}`}`;

/** Running containers (on nodes that are up) of our tasks, with their tasks. */
function runningTasks(w: World): { task: Task | undefined; serviceId: string; nodeId: string }[] {
  const out = [];
  for (const c of w.containers.values()) {
    const f = containerFacts(c, CLUSTER);
    if (!f || !f.running || !w.up(c.nodeId)) continue;
    out.push({ task: w.tasks.get(f.taskId), serviceId: f.serviceId, nodeId: c.nodeId });
  }
  return out;
}

function nodesOf(w: World, d: DesiredService, kinds: string[]): Set<string> {
  const ok = w.nodes.filter(
    (n) =>
      n.state === 'ready' &&
      kinds.includes(n.availability) &&
      (!d.eligibleNodes || d.eligibleNodes.has(n.id)),
  );
  return new Set(ok.map((n) => n.id));
}

/** The safety rules; each broken one is a line. */
export function safety(w: World): string[] {
  const out: string[] = [];
  const meant = new Map<string, number>();
  for (const t of w.tasks.values()) {
    if (rankOf(t.DesiredState) > rankOf('running') || isTerminal(t.Status.State)) continue;
    const k = slotKey(t);
    meant.set(k, (meant.get(k) ?? 0) + 1);
  }
  for (const [k, n] of meant) if (n > 1) out.push(`${n} tasks meant to run in ${k}`);
  const perSlot = new Map<string, number>();
  const perService = new Map<string, number>();
  for (const r of runningTasks(w)) {
    if (!r.task) {
      out.push(`a running container of ${r.serviceId} without a task on ${r.nodeId}`);
      continue;
    }
    const k = slotKey(r.task);
    perSlot.set(k, (perSlot.get(k) ?? 0) + 1);
    perService.set(r.serviceId, (perService.get(r.serviceId) ?? 0) + 1);
    const d = w.services.find((s) => s.service.ID === r.serviceId);
    if (
      d &&
      serviceMode(d.service.Spec).kind === 'global' &&
      !nodesOf(w, d, ['active', 'pause']).has(r.nodeId)
    )
      out.push(`${r.serviceId} runs on ${r.nodeId}, which is not one of its nodes`);
  }
  for (const [k, n] of perSlot) if (n > 1) out.push(`${n} containers running in ${k}`);
  for (const d of w.services) {
    const mode = serviceMode(d.service.Spec);
    const n = perService.get(d.service.ID) ?? 0;
    if (mode.kind === 'replicated' && n > mode.replicas)
      out.push(`${d.service.ID}: ${n} running > ${mode.replicas}`);
  }
  return out;
}

/** Every service at its count (global: one on each eligible, ready, active node); deleted ones gone. */
export function converged(w: World): string[] {
  const out: string[] = [];
  const running = runningTasks(w).filter(
    (r) => r.task && r.task.DesiredState === 'running' && r.task.Status.State === 'running',
  );
  for (const d of w.services) {
    const mode = serviceMode(d.service.Spec);
    const mine = running.filter((r) => r.serviceId === d.service.ID);
    if (mode.kind === 'replicated') {
      const slots = new Set(mine.map((r) => r.task?.Slot));
      if (slots.size !== mode.replicas)
        out.push(`${d.service.ID}: ${slots.size} of ${mode.replicas} slots running`);
    } else if (mode.kind === 'global') {
      for (const id of nodesOf(w, d, ['active'])) {
        const n = mine.filter((r) => r.nodeId === id).length;
        if (n !== 1) out.push(`${d.service.ID}: ${n} running on ${id}`);
      }
    }
  }
  for (const t of w.tasks.values()) {
    if (!w.services.some((d) => d.service.ID === t.ServiceID))
      out.push(`task ${t.ID} of deleted ${t.ServiceID} left`);
  }
  return out;
}
