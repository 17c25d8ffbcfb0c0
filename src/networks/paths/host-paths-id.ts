// A host's identity on the tunnel: a stable MAC address.
import { createHash } from 'node:crypto';

/** A stable, locally administered MAC for an engine's tunnel device. */
export function macOf(engineId: string): string {
  const h = createHash('sha256').update(`vtep:${engineId}`).digest();
  const bytes = [0x02, ...h.subarray(0, 5)];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
