// The shapes of the Docker API objects Shoal reads from engines (only the fields it uses are typed).

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope?: string;
  time: number;
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
  /** timeNano exactly as the engine wrote it (a JS number cannot hold every nanosecond). */
  timeNanoText?: string;
  /** Added by Shoal (and classic Swarm) to events from engines. */
  node?: { Name: string; Id: string; Addr: string; Ip: string };
}

export interface PortEntry {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

/** One entry of GET /containers/json, as the engine gave it. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: PortEntry[];
  Labels: Record<string, string> | null;
  State: string;
  Status: string;
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string; IPAddress?: string } | null> };
  Mounts?: { Type?: string; Name?: string; Source?: string; Destination?: string }[];
  SizeRw?: number;
  SizeRootFs?: number;
  [key: string]: unknown;
}

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** The part of GET /containers/{id}/json that Shoal keeps for every container. */
export interface ContainerDetail {
  Name: string;
  Created: string;
  Image: string;
  State: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    Restarting?: boolean;
    Dead?: boolean;
    ExitCode?: number;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string } | null;
  };
  Config: {
    Image?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Tty?: boolean;
  };
  HostConfig: {
    NetworkMode?: string;
    PortBindings?: Record<string, PortBinding[] | null> | null;
    Memory?: number;
    MemoryReservation?: number;
    NanoCpus?: number;
    CpuShares?: number;
    VolumesFrom?: string[] | null;
    Links?: string[] | null;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  };
  NetworkSettings: {
    Ports?: Record<string, PortBinding[] | null> | null;
    /** Each network's endpoint: what name resolution needs (the DNS's names come from here). */
    Networks?: Record<string, EndpointDetail | null> | null;
  };
  ExecIDs: string[] | null;
  /** The full create settings, kept only for containers that may be rescheduled (on-node-failure). */
  spec?: CreateSpec;
}

export interface EndpointDetail {
  NetworkID?: string;
  IPAddress?: string;
  GlobalIPv6Address?: string;
  Aliases?: string[] | null;
}

export interface CreateSpec {
  Config: Record<string, unknown>;
  HostConfig: Record<string, unknown>;
  Networks: Record<string, { Aliases?: string[] | null; IPAMConfig?: unknown } | null>;
}

export interface CachedContainer {
  readonly id: string;
  /** Name without the leading slash. */
  readonly name: string;
  /** created, running, paused, restarting, removing, exited, dead (from the inspect, at fetch time). */
  readonly state: string;
  /** Creation time in ms (parsed once: lists sort by it). */
  readonly createdMs: number;
  readonly summary: ContainerSummary;
  readonly detail: ContainerDetail;
}

/** Keeps only what Shoal needs from a full inspect (memory stays flat at tens of thousands of containers). */
export function toDetail(inspect: Record<string, unknown>): ContainerDetail {
  const i = inspect as unknown as ContainerDetail & {
    HostConfig?: ContainerDetail['HostConfig'];
    Config?: ContainerDetail['Config'];
  };
  const hc = i.HostConfig ?? {};
  const cfg = i.Config ?? {};
  return {
    Name: i.Name,
    Created: i.Created,
    Image: i.Image,
    State: { ...(i.State ?? {}), Health: i.State?.Health ? { Status: i.State.Health.Status } : undefined },
    Config: { Image: cfg.Image, Labels: cfg.Labels, ExposedPorts: cfg.ExposedPorts, Tty: cfg.Tty },
    HostConfig: {
      NetworkMode: hc.NetworkMode,
      PortBindings: hc.PortBindings,
      Memory: hc.Memory,
      MemoryReservation: hc.MemoryReservation,
      NanoCpus: hc.NanoCpus,
      CpuShares: hc.CpuShares,
      VolumesFrom: hc.VolumesFrom,
      Links: hc.Links,
      RestartPolicy: hc.RestartPolicy,
    },
    NetworkSettings: { Ports: i.NetworkSettings?.Ports, Networks: endpointsOf(i.NetworkSettings?.Networks) },
    ExecIDs: i.ExecIDs ?? null,
    spec: reschedulable(cfg.Labels) ? specOf(inspect) : undefined,
  };
}

/** Each endpoint reduced to what resolving names needs. */
function endpointsOf(
  networks: Record<string, EndpointDetail | null> | null | undefined,
): Record<string, EndpointDetail> | undefined {
  if (!networks) return undefined;
  const out: Record<string, EndpointDetail> = {};
  for (const [name, e] of Object.entries(networks)) {
    if (!e) continue;
    out[name] = {
      NetworkID: e.NetworkID,
      IPAddress: e.IPAddress,
      GlobalIPv6Address: e.GlobalIPv6Address,
      Aliases: e.Aliases,
    };
  }
  return out;
}

function reschedulable(labels: Record<string, string> | null | undefined): boolean {
  return (labels?.['com.docker.swarm.reschedule-policies'] ?? '').includes('on-node-failure');
}

function specOf(inspect: Record<string, unknown>): CreateSpec {
  const ns = inspect['NetworkSettings'] as { Networks?: CreateSpec['Networks'] } | undefined;
  return {
    Config: (inspect['Config'] as Record<string, unknown> | undefined) ?? {},
    HostConfig: (inspect['HostConfig'] as Record<string, unknown> | undefined) ?? {},
    Networks: ns?.Networks ?? {},
  };
}
