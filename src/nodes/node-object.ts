// Docker's Node object (`GET /nodes`): one per engine of the pool (a worker, ready or down with its engine's
// health), and one for the manager that leads (Shoal itself), which runs no tasks.
import { arch, hostname } from 'node:os';
import { nodeIdOf, swarmIdOf } from '../docker/swarm-id.js';
import type { Engine } from '../engine/engine.js';
import { BUILTIN_LABELS } from '../engine/specs.js';
import type { NodeAvailability } from '../scheduler/types.js';
import { SERVER_VERSION } from '../version.js';
import type { NodeDescription, NodeRecord } from './records.js';

export interface DockerNode {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: {
    Name?: string;
    Labels: Record<string, string>;
    Role: 'worker' | 'manager';
    Availability: NodeAvailability;
  };
  Description: NodeDescription;
  Status: { State: 'ready' | 'down'; Message?: string; Addr: string };
  ManagerStatus?: { Leader: boolean; Reachability: 'reachable' | 'unreachable'; Addr: string };
}

/** The manager that leads, as a node: its address as clients reach it and the key its ID derives from. */
export interface LeaderNode {
  addr: string;
  key: string;
}

export const OS_ARCH = arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : arch();

/** The manager node's ID: stable per cluster, and per manager (its advertised address) with --replication. */
export function managerNodeId(cluster: string, key: string): string {
  return swarmIdOf(`manager:${cluster}:${key}`);
}

/** What an engine says about itself, as a swarm node's Description (its own labels, not classic's built-ins). */
export function describeEngine(e: Engine): NodeDescription {
  const s = e.specs;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(s?.labels ?? {})) if (!BUILTIN_LABELS.includes(k)) labels[k] = v;
  return {
    Hostname: e.name,
    Platform: { Architecture: s?.architecture ?? '', OS: s?.osType ?? '' },
    Resources: { NanoCPUs: Math.round((s?.cpus ?? 0) * 1e9), MemoryBytes: s?.memory ?? 0 },
    Engine: { EngineVersion: s?.serverVersion ?? '', Labels: labels, Plugins: s?.plugins ?? [] },
  };
}

/** A record for an engine seen for the first time (not stored yet: index 0). */
export function freshRecord(e: Engine, now: string, index = 0): NodeRecord {
  return {
    engineId: e.id,
    index,
    createdAt: now,
    updatedAt: now,
    spec: { Labels: {}, Role: 'worker', Availability: 'active' },
    description: describeEngine(e),
    addr: e.addr,
    ip: e.ip,
  };
}

/** An engine's node: live from the engine while it is in the pool, from its record once it has left. */
export function engineNode(rec: NodeRecord, engine: Engine | undefined): DockerNode {
  const ready = engine?.state === 'healthy';
  const message = ready
    ? undefined
    : engine
      ? `engine ${engine.state}${engine.health.lastError ? `: ${engine.health.lastError}` : ''}`
      : 'engine no longer in the pool (not in discovery)';
  return {
    ID: nodeIdOf(rec.engineId),
    Version: { Index: rec.index },
    CreatedAt: rec.createdAt,
    UpdatedAt: rec.updatedAt,
    Spec: {
      ...(rec.spec.Name ? { Name: rec.spec.Name } : {}),
      Labels: { ...rec.spec.Labels },
      Role: 'worker',
      Availability: rec.spec.Availability,
    },
    Description: engine?.specs ? describeEngine(engine) : rec.description,
    Status: {
      State: ready ? 'ready' : 'down',
      ...(message ? { Message: message } : {}),
      Addr: engine?.ip || rec.ip,
    },
  };
}

/**
 * Shoal's leading manager as a node: a manager, leader, reachable; drained (it runs no tasks, the engines
 * do), with no resources of its own, and Shoal's version as its engine version.
 */
export function managerNode(
  cluster: string,
  leader: LeaderNode,
  since: { createdAt: string; index: number },
): DockerNode {
  return {
    ID: managerNodeId(cluster, leader.key),
    Version: { Index: since.index },
    CreatedAt: since.createdAt,
    UpdatedAt: since.createdAt,
    Spec: { Labels: {}, Role: 'manager', Availability: 'drain' },
    Description: {
      Hostname: hostname(),
      Platform: { Architecture: OS_ARCH, OS: 'linux' },
      Resources: { NanoCPUs: 0, MemoryBytes: 0 },
      Engine: { EngineVersion: SERVER_VERSION, Labels: {}, Plugins: [] },
    },
    Status: { State: 'ready', Addr: hostOf(leader.addr) },
    ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: leader.addr },
  };
}

/** The host of `host:port` (`[::1]:2375` → `::1`). */
export function hostOf(addr: string): string {
  const colon = addr.lastIndexOf(':');
  const host = colon < 0 ? addr : addr.slice(0, colon);
  return host.replace(/^\[(.*)\]$/, '$1');
}
