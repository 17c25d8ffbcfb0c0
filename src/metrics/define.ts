// Metrics read from Shoal's state at each scrape: a gauge or a counter whose values a function gives.
import { Counter, Gauge, type Registry } from 'prom-client';

export type Labels<T extends string> = Partial<Record<T, string>>;
export type Samples<T extends string> = Iterable<readonly [Labels<T>, number]>;

export interface Definition<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly T[];
  /** The values now: one per label set (no labels: one sample with `{}`). */
  read(): Samples<T>;
}

/** A gauge whose samples are read again at every scrape (series that went away go with them). */
export function readGauge<T extends string>(registry: Registry, def: Definition<T>): void {
  new Gauge<T>({
    name: def.name,
    help: def.help,
    labelNames: def.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of def.read()) this.set(labels, value);
    },
  });
}

/** A counter over a running total Shoal keeps (which only grows): read at every scrape. */
export function readCounter<T extends string>(registry: Registry, def: Definition<T>): void {
  new Counter<T>({
    name: def.name,
    help: def.help,
    labelNames: def.labelNames ?? [],
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of def.read()) this.inc(labels, value);
    },
  });
}
