// What a cluster network is made with: the user's settings, and the body each engine's part is created from.
import { gateway, parseCidr } from './cidr.js';
import { CLUSTER_LABEL } from './cluster-networks.js';
import type { NetworkSummary } from '../engine/resource-lists.js';

export interface NetworkSpec {
  Name: string;
  Driver?: string;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: {
    Driver?: string;
    Options?: Record<string, string> | null;
    Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null;
  } | null;
}

/** Drivers a cluster network is served with: overlay needs swarm mode or a KV store, so it becomes bridge. */
export function partDriver(driver: string | undefined): string {
  return !driver || driver === 'overlay' ? 'bridge' : driver;
}

export function partBody(
  spec: NetworkSpec,
  clusterId: string,
  subnet: string | undefined,
): Record<string, unknown> {
  const driver = partDriver(spec.Driver);
  const ipam = subnet
    ? {
        Driver: spec.IPAM?.Driver || 'default',
        Options: spec.IPAM?.Options ?? {},
        Config: [{ Subnet: subnet, Gateway: gateway(parseCidr(subnet) ?? { base: 0, prefix: 32 }) }],
      }
    : spec.IPAM;
  return {
    Name: spec.Name,
    CheckDuplicate: true,
    Driver: driver,
    Options: spec.Options ?? {},
    Labels: { ...(spec.Labels ?? {}), [CLUSTER_LABEL]: clusterId },
    Internal: spec.Internal ?? false,
    Attachable: spec.Attachable ?? false,
    EnableIPv6: spec.EnableIPv6 ?? false,
    IPAM: ipam,
  };
}

/** What the record keeps to make a part again: the spec without the user's subnets (each part has its own). */
export function recordedSpec(spec: NetworkSpec): NetworkSpec {
  return {
    Name: spec.Name,
    Driver: partDriver(spec.Driver),
    Options: spec.Options ?? {},
    Labels: spec.Labels ?? {},
    Internal: spec.Internal ?? false,
    Attachable: spec.Attachable ?? false,
    EnableIPv6: spec.EnableIPv6 ?? false,
    IPAM: { Driver: spec.IPAM?.Driver || 'default', Options: spec.IPAM?.Options ?? {} },
  };
}

/** A part's settings, as a spec to make the other parts with (the cluster label and subnet left out). */
export function specOf(part: NetworkSummary): NetworkSpec {
  return {
    Name: part.Name,
    Driver: part.Driver,
    Options: part.Options ?? {},
    Labels: Object.fromEntries(Object.entries(part.Labels ?? {}).filter(([k]) => k !== CLUSTER_LABEL)),
    Internal: part.Internal ?? false,
    Attachable: part.Attachable ?? false,
    EnableIPv6: part.EnableIPv6 ?? false,
    IPAM: { Driver: part.IPAM?.Driver || 'default', Options: part.IPAM?.Options ?? {} },
  };
}
