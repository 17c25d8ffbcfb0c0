// Swarm-mode object IDs: 25 lowercase base36 characters (a 128-bit number, zero-padded), as swarmkit's
// identity.NewID() makes them. Shoal derives them from a stable seed instead of drawing them at random, so
// the same engine (or cluster, or manager) keeps its ID across restarts and failovers.
import { createHash, randomBytes } from 'node:crypto';

export const SWARM_ID_LENGTH = 25;

/** The swarm-style ID for a seed: the first 128 bits of its SHA-256, in base 36, padded to 25 characters. */
export function swarmIdOf(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex').slice(0, 32);
  return BigInt(`0x${hex}`).toString(36).padStart(SWARM_ID_LENGTH, '0');
}

const nodeIds = new Map<string, string>();

/**
 * A node's ID from its engine's ID (Docker's `info.ID`, which is not a swarm node ID). Remembered: every
 * services pass asks it for every engine, and a hash per engine per pass adds up at a thousand engines.
 */
export function nodeIdOf(engineId: string): string {
  let id = nodeIds.get(engineId);
  if (id === undefined) {
    if (nodeIds.size >= 100_000) nodeIds.clear();
    id = swarmIdOf(`node:${engineId}`);
    nodeIds.set(engineId, id);
  }
  return id;
}

/** A new random ID (services, tasks): 128 random bits in swarmkit's form. */
export function randomSwarmId(): string {
  return BigInt(`0x${randomBytes(16).toString('hex')}`)
    .toString(36)
    .padStart(SWARM_ID_LENGTH, '0');
}
