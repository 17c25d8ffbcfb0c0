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

  /** `changed` hears of every claim and release on an engine, so that engine's snapshot is rebuilt. */
  constructor(private readonly changed: (engineAddr: string) => void = () => undefined) {}

  /** Claims a name (may be "") and a slot on an engine; returns the release function. */
  reserve(r: Reservation): () => void {
    if (r.name) this.byName.set(r.name, r);
    else this.anonymous.add(r);
    let set = this.byEngine.get(r.engineAddr);
    if (!set) this.byEngine.set(r.engineAddr, (set = new Set()));
    set.add(r);
    this.changed(r.engineAddr);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (r.name && this.byName.get(r.name) === r) this.byName.delete(r.name);
      this.anonymous.delete(r);
      set.delete(r);
      if (set.size === 0) this.byEngine.delete(r.engineAddr);
      this.changed(r.engineAddr);
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
