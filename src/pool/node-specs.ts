// Swarm-mode node specs (node labels, availability) by engine ID, in memory: what the scheduler's snapshots
// carry. src/nodes/ keeps it current from the state store; the snapshot builder only reads it, so placing
// never waits on the store. A spec is replaced, never changed, so a snapshot compares it by identity.
import type { NodeAvailability } from '../scheduler/types.js';

export interface NodeSpec {
  readonly labels: Readonly<Record<string, string>>;
  readonly availability: NodeAvailability;
}

/** An engine's spec until someone changes it (`docker node update`). */
export const DEFAULT_NODE_SPEC: NodeSpec = Object.freeze({
  labels: Object.freeze({}),
  availability: 'active',
});

export class NodeSpecs {
  private readonly specs = new Map<string, NodeSpec>();
  private readonly listeners: (() => void)[] = [];
  private changes = 0;

  /** Moves on every change of any spec: a snapshot looks specs up again only after it moved. */
  get version(): number {
    return this.changes;
  }

  /** Called after a spec changed (availability, labels): the services loop listens. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  of(engineId: string): NodeSpec {
    return this.specs.get(engineId) ?? DEFAULT_NODE_SPEC;
  }

  set(engineId: string, spec: NodeSpec): void {
    const cur = this.specs.get(engineId);
    if (cur && sameSpec(cur, spec)) return;
    this.specs.set(
      engineId,
      Object.freeze({ labels: Object.freeze({ ...spec.labels }), availability: spec.availability }),
    );
    this.changes++;
    for (const fn of this.listeners) fn();
  }

  delete(engineId: string): void {
    if (!this.specs.delete(engineId)) return;
    this.changes++;
    for (const fn of this.listeners) fn();
  }
}

function sameSpec(a: NodeSpec, b: NodeSpec): boolean {
  if (a.availability !== b.availability) return false;
  const ka = Object.keys(a.labels);
  return ka.length === Object.keys(b.labels).length && ka.every((k) => a.labels[k] === b.labels[k]);
}
