// The side-by-side table of a comparison: one line per figure, classic and Shoal measured by the same code,
// the Shoal/classic ratio, and whether Shoal meets the line's goal.
import { loadavg } from 'node:os';

export type Goal =
  | { kind: 'lower' } // Shoal ≤ classic
  | { kind: 'higher' } // Shoal ≥ classic
  | { kind: 'fasterBy'; times: number } // classic ÷ Shoal ≥ times, for a latency
  | { kind: 'atMost'; value: number }; // Shoal's own figure ≤ value

export interface Line {
  what: string;
  unit: string;
  classic: number | undefined;
  shoal: number | undefined;
  goal?: Goal;
  /** Why a figure is missing or what qualifies it (a crash part-way, a sample count). */
  note?: string;
}

function goalText(g: Goal, unit: string): string {
  switch (g.kind) {
    case 'lower':
      return 'Shoal ≤ classic';
    case 'higher':
      return 'Shoal ≥ classic';
    case 'fasterBy':
      return `Shoal ≥ ${g.times}× classic`;
    case 'atMost':
      return `Shoal ≤ ${g.value} ${unit}`;
  }
}

function met(g: Goal, classic: number | undefined, shoal: number): boolean | undefined {
  if (g.kind === 'atMost') return shoal <= g.value;
  if (classic === undefined || !Number.isFinite(classic)) return undefined;
  switch (g.kind) {
    case 'lower':
      return shoal <= classic;
    case 'higher':
      return shoal >= classic;
    case 'fasterBy':
      return classic / shoal >= g.times;
  }
}

function verdict(line: Line): string {
  if (!line.goal) return '';
  if (line.shoal === undefined || !Number.isFinite(line.shoal)) return 'MISSED (no Shoal figure)';
  const ok = met(line.goal, line.classic, line.shoal);
  if (ok === undefined) return 'n/a (no classic figure)';
  return ok ? 'met' : 'MISSED';
}

const show = (v: number | undefined, unit: string): string => {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : Math.abs(v) >= 1 ? 2 : 3;
  return `${v.toFixed(digits)} ${unit}`;
};

/** The table, then what stopped a frontend (a crash, a timeout, not starting): those are results too. */
export function printTable(
  title: string,
  lines: readonly Line[],
  failures: ReadonlyMap<string, string | undefined>,
  say: (l: string) => void,
): void {
  say(`\n${title}   (load average ${loadAverage()})`);
  const w = Math.max(...lines.map((l) => l.what.length), 10);
  say(
    `  ${'figure'.padEnd(w)}  ${'classic'.padStart(13)}  ${'Shoal'.padStart(13)}  ${'Shoal/cl'.padStart(8)}  goal → verdict`,
  );
  for (const l of lines) {
    const ratio =
      l.classic !== undefined && l.shoal !== undefined && l.classic !== 0
        ? (l.shoal / l.classic).toFixed(3)
        : '—';
    const goal = l.goal ? `${goalText(l.goal, l.unit)} → ${verdict(l)}` : '';
    say(
      `  ${l.what.padEnd(w)}  ${show(l.classic, l.unit).padStart(13)}  ${show(l.shoal, l.unit).padStart(13)}  ${ratio.padStart(8)}  ${goal}${l.note ? `  (${l.note})` : ''}`,
    );
  }
  for (const [name, failure] of failures) say(`  ${name}: ${failure ?? 'ran every step'}`);
}

export const loadAverage = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
