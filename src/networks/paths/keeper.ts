// What network creation needs of the cross-engine paths: to wait for them, and who still lacks them.
import type { Engine } from '../../engine/engine.js';

export interface PathKeeper {
  readonly enabled: boolean;
  /** Brings every healthy host to its plan; resolves when all ran (or `timeoutMs` passed). */
  syncAll(force?: boolean, timeoutMs?: number): Promise<void>;
  /** Engines (by name) whose paths are not all in place. */
  unreachable(engines: readonly Engine[]): string[];
}
