// A process's resident memory from /proc/PID/status: now (VmRSS), its high-water mark (VmHWM), and a
// 100 ms sampler for the peak during a stretch of load.
import { readFileSync } from 'node:fs';

export interface Memory {
  rssKiB: number;
  hwmKiB: number;
}

export function memoryOf(pid: number | undefined): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid ?? 0}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    const m = { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
    // A zombie has a status file but no memory lines.
    return Number.isNaN(m.rssKiB) ? undefined : m;
  } catch {
    return undefined;
  }
}

export interface MemoryWatch {
  /** The last VmHWM read: still there after the process has died. */
  hwmKiB(): number;
  /** The highest VmRSS sampled since the last mark() (or the start). */
  peakRssKiB(): number;
  mark(): void;
  stop(): void;
}

export function watchMemory(pid: number | undefined, everyMs = 100): MemoryWatch {
  let hwm = 0;
  let peak = 0;
  const sample = () => {
    const m = memoryOf(pid);
    if (!m) return;
    hwm = Math.max(hwm, m.hwmKiB);
    peak = Math.max(peak, m.rssKiB);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    hwmKiB: () => (sample(), hwm),
    peakRssKiB: () => (sample(), peak),
    mark: () => {
      peak = 0;
      sample();
    },
    stop: () => clearInterval(timer),
  };
}

export const mib = (kib: number | undefined): string =>
  kib === undefined || !(kib > 0) ? '—' : `${(kib / 1024).toFixed(1)} MiB`;
