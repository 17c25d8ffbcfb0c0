// Memory back after a busy spell: V8 keeps the heap it grew to (a start-up over 1,000 engines, a burst of
// creates) until its next full collection, which an idle process may never reach. When the heap has grown
// by GROWTH_BYTES since the last full collection and the process then spent under IDLE_CPU of a core for a
// whole CHECK_MS, one full collection is asked for, so the resident memory falls back near its resting level.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { log } from './log.js';

const CHECK_MS = 3_000;
/** Under this share of a core is idle: a manager of 1,000 engines at rest uses about 5 %. */
const IDLE_CPU = 0.15;
const GROWTH_BYTES = 64 * 2 ** 20;

export interface IdleCollectorOptions {
  checkMs?: number;
  /** The heap's size now (bytes used); V8's by default. */
  heapUsed?: () => number;
  /** CPU microseconds used so far; the process's by default. */
  cpuMicros?: () => number;
  /** A full collection; V8's by default. */
  collect?: () => void;
}

/** V8's `gc`, exposed for this process (the same as starting node with --expose-gc). */
function v8Collect(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export class IdleCollector {
  private readonly timer: NodeJS.Timeout;
  private baseline: number;
  private lastCpu: number;
  private readonly heapUsed: () => number;
  private readonly cpuMicros: () => number;
  private readonly collect: () => void;
  private readonly checkMs: number;
  /** Full collections asked for so far. */
  collections = 0;

  constructor(opts: IdleCollectorOptions = {}) {
    this.checkMs = opts.checkMs ?? CHECK_MS;
    this.heapUsed = opts.heapUsed ?? (() => getHeapStatistics().used_heap_size);
    this.cpuMicros =
      opts.cpuMicros ??
      (() => {
        const u = process.cpuUsage();
        return u.user + u.system;
      });
    this.collect = opts.collect ?? v8Collect();
    this.baseline = this.heapUsed();
    this.lastCpu = this.cpuMicros();
    this.timer = setInterval(() => this.check(), this.checkMs);
    this.timer.unref();
  }

  /** One look: exported for tests, run by the timer. */
  check(): void {
    const cpu = this.cpuMicros();
    const busy = (cpu - this.lastCpu) / 1000 / this.checkMs;
    this.lastCpu = cpu;
    const used = this.heapUsed();
    if (busy >= IDLE_CPU || used - this.baseline < GROWTH_BYTES) return;
    const t0 = performance.now();
    this.collect();
    this.collections++;
    this.baseline = this.heapUsed();
    this.lastCpu = this.cpuMicros();
    log.debug(
      `Idle: a full collection took ${(performance.now() - t0).toFixed(0)} ms; heap ${mib(used)} → ${mib(this.baseline)} MiB`,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
