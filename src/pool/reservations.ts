// Creates in flight: a name and a place claimed between the scheduling decision and the engine's answer.
import type { ContainerSnapshot } from '../scheduler/types.js';

export interface Reservation {
  readonly name: string;
  readonly engineAddr: string;
  readonly container: ContainerSnapshot;
}

export class Reservations {
  private readonly byName = new Map<string, Reservation>();
  private readonly byEngine = new Map<string, Set<Reservation>>();
  private readonly anonymous = new Set<Reservation>();
  /** Bumped per engine on every change, so that engine's snapshot is rebuilt. */
  private readonly versions = new Map<string, number>();

  versionOf(addr: string): number {
    return this.versions.get(addr) ?? 0;
  }

  private bump(addr: string): void {
    this.versions.set(addr, (this.versions.get(addr) ?? 0) + 1);
  }

  /** Claims a name (may be "") and a slot on an engine; returns the release function. */
  reserve(r: Reservation): () => void {
    if (r.name) this.byName.set(r.name, r);
    else this.anonymous.add(r);
    let set = this.byEngine.get(r.engineAddr);
    if (!set) this.byEngine.set(r.engineAddr, (set = new Set()));
    set.add(r);
    this.bump(r.engineAddr);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (r.name && this.byName.get(r.name) === r) this.byName.delete(r.name);
      this.anonymous.delete(r);
      set.delete(r);
      if (set.size === 0) this.byEngine.delete(r.engineAddr);
      this.bump(r.engineAddr);
    };
  }

  hasName(name: string): boolean {
    return this.byName.has(name);
  }

  onEngine(addr: string): readonly Reservation[] {
    const set = this.byEngine.get(addr);
    return set ? [...set] : [];
  }
}
