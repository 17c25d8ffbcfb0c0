// Where each exec instance lives: exec IDs are not container IDs, so they are remembered on creation.
import type { Engine } from '../engine/engine.js';

const LIMIT = 50_000;

export class ExecIndex {
  private readonly execs = new Map<string, { engine: Engine; containerId: string }>();

  add(execId: string, engine: Engine, containerId: string): void {
    this.execs.delete(execId);
    this.execs.set(execId, { engine, containerId });
    if (this.execs.size > LIMIT) {
      const oldest = this.execs.keys().next().value;
      if (oldest !== undefined) this.execs.delete(oldest);
    }
  }

  get(execId: string): { engine: Engine; containerId: string } | undefined {
    return this.execs.get(execId);
  }

  /** A unique prefix of a known exec ID, as Docker accepts. */
  find(ref: string): { id: string; engine: Engine } | undefined {
    const exact = this.execs.get(ref);
    if (exact) return { id: ref, engine: exact.engine };
    let found: { id: string; engine: Engine } | undefined;
    for (const [id, e] of this.execs) {
      if (id.startsWith(ref)) {
        if (found) return undefined;
        found = { id, engine: e.engine };
      }
    }
    return found;
  }

  forgetContainer(containerId: string): void {
    for (const [id, e] of this.execs) if (e.containerId === containerId) this.execs.delete(id);
  }

  forgetEngine(engine: Engine): void {
    for (const [id, e] of this.execs) if (e.engine === engine) this.execs.delete(id);
  }
}
