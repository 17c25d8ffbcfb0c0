// Docker's Swarm object (`GET /swarm`) and the `Swarm` section of `/info`, for the swarm Shoal makes of its
// pool: its ID derives from the cluster's identity, its settings are swarm mode's defaults, and its join
// tokens say they cannot be used (engines join through discovery, managers through --replication).
import { swarmIdOf } from '../docker/swarm-id.js';
import { hostOf, managerNodeId, type LeaderNode } from './node-object.js';
import type { SwarmRecord } from './registry.js';

export const JOIN_TOKENS = {
  Worker: 'SWMTKN-1-unusable-shoal-engines-join-through-its-discovery-not-with-docker-swarm-join',
  Manager: 'SWMTKN-1-unusable-shoal-managers-join-with-shoal-manage-replication',
};

/** The swarm's ID: one per cluster (its discovery), the same on every manager and across restarts. */
export function swarmIdFor(cluster: string): string {
  return swarmIdOf(`swarm:${cluster}`);
}

/** The ClusterInfo part shared by `/swarm` and `/info` (swarm mode's default spec). */
export function clusterInfo(cluster: string, rec: SwarmRecord, networkPool: string): Record<string, unknown> {
  return {
    ID: swarmIdFor(cluster),
    Version: { Index: rec.index },
    CreatedAt: rec.createdAt,
    UpdatedAt: rec.createdAt,
    Spec: {
      Name: 'default',
      Labels: {},
      Orchestration: { TaskHistoryRetentionLimit: 5 },
      Raft: {
        SnapshotInterval: 10000,
        KeepOldSnapshots: 0,
        LogEntriesForSlowFollowers: 500,
        ElectionTick: 10,
        HeartbeatTick: 1,
      },
      Dispatcher: { HeartbeatPeriod: 5_000_000_000 },
      CAConfig: { NodeCertExpiry: 7_776_000_000_000_000 },
      TaskDefaults: {},
      EncryptionConfig: { AutoLockManagers: false },
    },
    TLSInfo: {},
    RootRotationInProgress: false,
    // Cluster networks take their per-engine subnets from --network-pool (no VXLAN: no data path port).
    DefaultAddrPool: [networkPool],
    SubnetSize: 24,
    DataPathPort: 0,
  };
}

export function swarmObject(cluster: string, rec: SwarmRecord, networkPool: string): Record<string, unknown> {
  return { ...clusterInfo(cluster, rec, networkPool), JoinTokens: JOIN_TOKENS };
}

export interface SwarmCounts {
  nodes: number;
  managers: number;
}

/** `/info`'s Swarm: this endpoint is an active manager; NodeID is the leading manager's node. */
export function swarmInfo(
  cluster: string,
  rec: SwarmRecord,
  networkPool: string,
  leader: LeaderNode | undefined,
  counts: SwarmCounts,
): Record<string, unknown> {
  const nodeId = leader ? managerNodeId(cluster, leader.key) : '';
  return {
    NodeID: nodeId,
    NodeAddr: leader ? hostOf(leader.addr) : '',
    LocalNodeState: 'active',
    ControlAvailable: true,
    Error: leader ? '' : 'no manager leads the swarm at the moment (an election is under way)',
    RemoteManagers: leader ? [{ NodeID: nodeId, Addr: leader.addr }] : [],
    Nodes: counts.nodes,
    Managers: counts.managers,
    Cluster: clusterInfo(cluster, rec, networkPool),
  };
}
