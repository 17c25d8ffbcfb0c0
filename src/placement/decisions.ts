// The recent placement decisions, in a bounded ring, and running totals: what the cluster view shows and
// the metrics count. Recording keeps references only (the snapshot array and request are immutable); the
// explanation is worked out when someone reads it, so placing stays as fast as without the log.
import { explainDecision, failingFilter, type Explanation } from '../scheduler/explain.js';
import type { Scheduler } from '../scheduler/schedule.js';
import type { Decision, NodeSnapshot, PlacementRequest } from '../scheduler/types.js';

export const RECENT_DECISIONS = 50;

/** One decision as the view shows it. */
export interface DecisionView extends Explanation {
  readonly seq: number;
  /** ISO time of the decision. */
  readonly time: string;
  /** The container's name ("" when Docker will make one up). */
  readonly name: string;
  readonly image: string;
  /** Set for a swarm-mode service's task. */
  readonly serviceId?: string;
  readonly ok: boolean;
  /** The engine chosen. */
  readonly engine?: string;
  /** Failures: the filter it is counted under. */
  readonly filter?: string;
}

interface Entry {
  readonly seq: number;
  readonly at: number;
  readonly sched: Scheduler;
  readonly nodes: readonly NodeSnapshot[];
  readonly req: PlacementRequest;
  readonly decision: Decision;
  view?: DecisionView;
}

export interface DecisionTotals {
  placed: number;
  /** Failures by the filter counted for them (`none`: no engine at all). */
  readonly failed: Map<string, number>;
}

export class DecisionLog {
  private readonly ring: (Entry | undefined)[];
  private next = 0;
  private seq = 0;
  readonly totals: DecisionTotals = { placed: 0, failed: new Map() };
  private readonly listeners = new Set<(seq: number) => void>();

  constructor(
    readonly capacity = RECENT_DECISIONS,
    private readonly clock: () => number = Date.now,
  ) {
    this.ring = new Array<Entry | undefined>(capacity);
  }

  record(sched: Scheduler, nodes: readonly NodeSnapshot[], req: PlacementRequest, decision: Decision): void {
    const seq = ++this.seq;
    this.ring[this.next] = { seq, at: this.clock(), sched, nodes, req, decision };
    this.next = (this.next + 1) % this.capacity;
    if (decision.ok) this.totals.placed++;
    else {
      const f = failingFilter(decision, req.service !== undefined);
      this.totals.failed.set(f, (this.totals.failed.get(f) ?? 0) + 1);
    }
    for (const fn of this.listeners) fn(seq);
  }

  /** Called after each decision (with its sequence number); returns an unsubscribe. */
  onRecord(fn: (seq: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The decisions still in the ring, newest first, explained. */
  recent(): DecisionView[] {
    const out: DecisionView[] = [];
    for (let i = 1; i <= this.capacity; i++) {
      const e = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (e) out.push((e.view ??= viewOf(e)));
    }
    return out;
  }
}

function viewOf(e: Entry): DecisionView {
  const { decision, req } = e;
  return {
    seq: e.seq,
    time: new Date(e.at).toISOString(),
    name: req.name,
    image: req.image,
    serviceId: req.service?.serviceId,
    ok: decision.ok,
    engine: decision.ok ? decision.node.name : undefined,
    filter: decision.ok ? undefined : failingFilter(decision, req.service !== undefined),
    ...explainDecision(e.sched, e.nodes, req, decision),
  };
}
