// Creating a cluster network: a part on every healthy engine, each on its own subnet; all or nothing.
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { describe } from '../engine/connection-errors.js';
import { ApiError, EngineHttpError } from '../errors.js';
import { log } from '../log.js';
import { cidrText, gateway, parseCidr, parts, splitPrefix } from './cidr.js';
import { allocateSubnet, CLUSTER_LABEL, type ClusterNetwork } from './cluster-networks.js';
import type { Pool } from './pool.js';

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
function partDriver(driver: string | undefined): string {
  return !driver || driver === 'overlay' ? 'bridge' : driver;
}

/** The subnets for each engine: the user's subnet split in equal parts, or one free /24 each. */
function plan(
  pool: Pool,
  engines: Engine[],
  spec: NetworkSpec,
  clusterPool: string,
): { subnets: (string | undefined)[]; warning: string } {
  const given = spec.IPAM?.Config?.find((c) => c.Subnet)?.Subnet;
  if (!given) return { subnets: engines.map((e) => allocateSubnet(pool, e, clusterPool)), warning: '' };
  const s = parseCidr(given);
  if (!s)
    throw ApiError.invalid(
      `invalid subnet ${JSON.stringify(given)}: only IPv4 subnets can be split over engines`,
    );
  const prefix = splitPrefix(s, engines.length);
  if (prefix === undefined) {
    throw ApiError.invalid(
      `subnet ${given} is too small to give each of the ${engines.length} engines a part of its own (at least a /29 each)`,
    );
  }
  const split = [...parts(s, prefix)].map(cidrText);
  const ignored = spec.IPAM?.Config?.some((c) => c.Gateway || c.IPRange);
  return {
    subnets: engines.map((_, i) => split[i]),
    warning: `subnet ${given} is split over the engines as /${prefix}s${ignored ? '; the gateway and IP range given are not used (each part has its own)' : ''}`,
  };
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

async function createPart(engine: Engine, body: Record<string, unknown>): Promise<string> {
  const res = await engine.client.json<{ Id: string }>('POST', '/networks/create', { body });
  await engine.lists.refresh('networks').catch(() => undefined);
  return res.Id;
}

export async function createClusterNetwork(
  pool: Pool,
  spec: NetworkSpec,
  clusterPool: string,
): Promise<{ Id: string; Warning: string }> {
  const engines = pool.healthy().sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  if (engines.length === 0) throw ApiError.unavailable('No healthy node available in the cluster');
  const id = randomBytes(32).toString('hex');
  const { subnets, warning } = plan(pool, engines, spec, clusterPool);
  if (partDriver(spec.Driver) === 'bridge' && subnets.some((s) => s === undefined)) {
    throw ApiError.unavailable(
      `no free subnet left in the network pool ${clusterPool} (or an engine's ${'shoal.network-pool'} label) for network ${spec.Name}`,
    );
  }
  const results = await Promise.allSettled(
    engines.map((e, i) => createPart(e, partBody(spec, id, subnets[i]))),
  );
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ engine: engines[i] as Engine, err: r.reason as unknown }] : [],
  );
  if (failed.length > 0) {
    // All or nothing: the parts that were made go again, so no half-made network is left behind.
    await Promise.all(
      results.map(async (r, i) => {
        if (r.status !== 'fulfilled') return;
        const engine = engines[i] as Engine;
        await engine.client
          .json('DELETE', `/networks/${r.value}`)
          .catch((err: unknown) =>
            log.warn(`could not roll back network ${spec.Name} on ${engine.name}: ${describe(err)}`),
          );
        await engine.lists.refresh('networks').catch(() => undefined);
      }),
    );
    const first = failed[0]?.err;
    const message = failed.map((f) => `${f.engine.name}: ${(f.err as Error).message}`).join('; ');
    if (first instanceof EngineHttpError)
      throw new ApiError(
        first.status === 409 ? 'conflict' : first.status < 500 ? 'invalid' : 'internal',
        `network ${spec.Name} could not be created on every engine: ${message}`,
      );
    throw ApiError.unavailable(`network ${spec.Name} could not be created on every engine: ${message}`);
  }
  return { Id: id, Warning: warning };
}

/** An engine joining late gets its part of every cluster network, on a subnet of its own. */
export async function addMissingParts(
  pool: Pool,
  engine: Engine,
  networks: Iterable<ClusterNetwork>,
  clusterPool: string,
): Promise<void> {
  for (const network of networks) {
    if (network.parts.has(engine)) continue;
    const model = [...network.parts.values()][0];
    if (!model) continue;
    const spec: NetworkSpec = {
      Name: network.name,
      Driver: model.Driver,
      Options: model.Options,
      Labels: Object.fromEntries(Object.entries(model.Labels ?? {}).filter(([k]) => k !== CLUSTER_LABEL)),
      Internal: model.Internal,
      Attachable: model.Attachable,
      EnableIPv6: model.EnableIPv6,
    };
    const subnet = model.Driver === 'bridge' ? allocateSubnet(pool, engine, clusterPool) : undefined;
    try {
      await createPart(engine, partBody(spec, network.id, subnet));
      log.info(
        `Created the part of network ${network.name} on ${engine.name}${subnet ? ` (${subnet})` : ''}`,
      );
    } catch (err) {
      log.warn(`Could not create network ${network.name} on ${engine.name}: ${describe(err)}`);
    }
  }
}
