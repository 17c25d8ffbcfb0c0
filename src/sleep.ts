// Waiting that an abort ends early (loops that retry or beat until their owner stops them).
import { setTimeout as wait } from 'node:timers/promises';

/** Resolves after ms, or at once when the signal aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return wait(ms, undefined, { signal }).catch(() => undefined);
}
