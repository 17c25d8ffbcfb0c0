// Creating a cluster network: a part on every healthy engine, each on its own subnet; all or nothing. The
// store records the intent first, then the parts are made, then the record is marked complete.
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { describe } from '../engine/connection-errors.js';
import { ApiError, EngineHttpError } from '../errors.js';
import { log } from '../log.js';
import type { Store } from '../store/store.js';
import { cidrText, gateway, parseCidr, parts, splitPrefix } from './cidr.js';
import { allocateSubnet, CLUSTER_LABEL } from './cluster-networks.js';
import {
  creatingHere,
  networkKey,
  networkRecords,
  partRecord,
  recordedSubnets,
  updateNetwork,
  type NetworkRecord,
} from './network-records.js';
import type { Pool } from './pool.js';

export interface NetworkDeps {
  readonly pool: Pool;
  readonly store: Store;
  /** --network-pool */
  readonly networkPool: string;
}

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

/** The subnets for each engine: the user's subnet split in equal parts, or one free /24 each. */
function plan(
  deps: NetworkDeps,
  engines: Engine[],
  spec: NetworkSpec,
  reserved: string[],
): { subnets: (string | undefined)[]; warning: string } {
  const given = spec.IPAM?.Config?.find((c) => c.Subnet)?.Subnet;
  if (!given) {
    const subnets = engines.map((e) => allocateSubnet(deps.pool, e, deps.networkPool, reserved));
    return { subnets, warning: '' };
  }
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

export async function createPart(engine: Engine, body: Record<string, unknown>): Promise<string> {
  const res = await engine.client.json<{ Id: string }>('POST', '/networks/create', { body });
  await engine.lists.refresh('networks').catch(() => undefined);
  return res.Id;
}

/** What the record keeps to make a part again: the spec without the user's subnets (each part has its own). */
function recordedSpec(spec: NetworkSpec): NetworkSpec {
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

async function rollBack(name: string, made: [Engine, string][]): Promise<void> {
  await Promise.all(
    made.map(async ([engine, partId]) => {
      await engine.client
        .json('DELETE', `/networks/${partId}`)
        .catch((err: unknown) =>
          log.warn(`could not roll back network ${name} on ${engine.name}: ${describe(err)}`),
        );
      await engine.lists.refresh('networks').catch(() => undefined);
    }),
  );
}

function createFailure(name: string, failed: { engine: Engine; err: unknown }[]): ApiError {
  const first = failed[0]?.err;
  const message = failed.map((f) => `${f.engine.name}: ${(f.err as Error).message}`).join('; ');
  const text = `network ${name} could not be created on every engine: ${message}`;
  if (first instanceof EngineHttpError)
    return new ApiError(
      first.status === 409 ? 'conflict' : first.status < 500 ? 'invalid' : 'internal',
      text,
    );
  return ApiError.unavailable(text);
}

export async function createClusterNetwork(
  deps: NetworkDeps,
  spec: NetworkSpec,
): Promise<{ Id: string; Warning: string }> {
  const engines = deps.pool
    .healthy()
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  if (engines.length === 0) throw ApiError.unavailable('No healthy node available in the cluster');
  const id = randomBytes(32).toString('hex');
  const records = await networkRecords(deps.store);
  const { subnets, warning } = plan(deps, engines, spec, recordedSubnets(records.values()));
  if (partDriver(spec.Driver) === 'bridge' && subnets.some((s) => s === undefined)) {
    throw ApiError.unavailable(
      `no free subnet left in the network pool ${deps.networkPool} (or an engine's ${'shoal.network-pool'} label) for network ${spec.Name}`,
    );
  }
  const record: NetworkRecord = {
    id,
    name: spec.Name,
    state: 'creating',
    spec: recordedSpec(spec),
    created: new Date().toISOString(),
    parts: Object.fromEntries(engines.map((e, i) => [e.id, partRecord(e, subnets[i])])),
  };
  creatingHere.add(id);
  try {
    // Intent first: after a crash from here on, the `creating` record says which parts to roll back.
    if (!(await deps.store.write(networkKey(id), record, 0)))
      throw ApiError.conflict(`network ID ${id} is already recorded`);
    const results = await Promise.allSettled(
      engines.map((e, i) => createPart(e, partBody(spec, id, subnets[i]))),
    );
    const made = results.flatMap((r, i): [Engine, string][] =>
      r.status === 'fulfilled' ? [[engines[i] as Engine, r.value]] : [],
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ engine: engines[i] as Engine, err: r.reason as unknown }] : [],
    );
    try {
      if (failed.length > 0) throw createFailure(spec.Name, failed);
      await updateNetwork(deps.store, id, (cur) => cur && { ...cur, state: 'created' });
    } catch (err) {
      // All or nothing: the parts that were made go again, so no half-made network is left behind.
      await rollBack(spec.Name, made);
      await deps.store
        .delete(networkKey(id))
        .catch((e: unknown) => log.warn(`could not drop the record of network ${spec.Name}: ${describe(e)}`));
      throw err;
    }
  } finally {
    creatingHere.delete(id);
  }
  return { Id: id, Warning: warning };
}
