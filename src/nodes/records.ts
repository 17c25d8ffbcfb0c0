// Node records in the state store (`nodes/<engine id>`): each engine's swarm-mode spec (labels, availability),
// when it joined, and what it last said about itself (so a node whose engine left the pool still reads
// whole). Their Version.Index comes from the cluster-wide counter (src/store/counter.ts).
import type { EnginePlugin } from '../engine/specs.js';
import type { NodeAvailability } from '../scheduler/types.js';

/** Docker's NodeSpec for an engine: the role is always worker (Shoal itself is the manager). */
export interface NodeSpecDoc {
  Name?: string;
  Labels: Record<string, string>;
  Role: 'worker';
  Availability: NodeAvailability;
}

/** Docker's node Description, as the engine last reported it. */
export interface NodeDescription {
  Hostname: string;
  Platform: { Architecture: string; OS: string };
  Resources: { NanoCPUs: number; MemoryBytes: number };
  Engine: { EngineVersion: string; Labels: Record<string, string>; Plugins: EnginePlugin[] };
}

export interface NodeRecord {
  engineId: string;
  /** Version.Index: the cluster counter's value at the node's last change. */
  index: number;
  createdAt: string;
  updatedAt: string;
  spec: NodeSpecDoc;
  description: NodeDescription;
  /** The engine's address (host:port) and IP when last seen. */
  addr: string;
  ip: string;
}

export const NODES_PREFIX = 'nodes/';

export function nodeKey(engineId: string): string {
  return `${NODES_PREFIX}${engineId}`;
}

/** A stored value that reads as a node record, or undefined (a damaged or foreign value is ignored). */
export function asNodeRecord(value: unknown): NodeRecord | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const r = value as Partial<NodeRecord>;
  const ok =
    typeof r.engineId === 'string' &&
    typeof r.index === 'number' &&
    typeof r.createdAt === 'string' &&
    typeof r.spec === 'object' &&
    r.spec !== null &&
    typeof r.description === 'object' &&
    r.description !== null;
  return ok ? (r as NodeRecord) : undefined;
}
