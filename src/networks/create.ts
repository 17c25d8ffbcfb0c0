// Creating a cluster network: a part on every healthy engine, each on its own subnet; all or nothing. The
// store records the intent first, then the parts are made, then the record is marked complete.
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { describe } from '../engine/connection-errors.js';
import { kindOfEngineError } from '../engine/errors.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';
import { cidrText, parseCidr, parts, splitPrefix } from './cidr.js';
import { allocateSubnet, type NetworkDeps } from './cluster-networks.js';
import {
  creatingHere,
  networkKey,
  networkRecords,
  partRecord,
  recordedSubnets,
  updateNetwork,
  type NetworkRecord,
} from './records.js';
import { partBody, partDriver, recordedSpec, type NetworkSpec } from './spec.js';

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

async function rollBack(name: string, made: [Engine, string][]): Promise<void> {
  await Promise.all(
    made.map(async ([engine, partId]) => {
      await engine.ops
        .removeNetwork(partId)
        .catch((err: unknown) =>
          log.warn(`could not roll back network ${name} on ${engine.name}: ${describe(err)}`),
        );
    }),
  );
}

function createFailure(name: string, failed: { engine: Engine; err: unknown }[]): ApiError {
  const first = failed[0]?.err;
  const message = failed.map((f) => `${f.engine.name}: ${(f.err as Error).message}`).join('; ');
  const text = `network ${name} could not be created on every engine: ${message}`;
  const kind = kindOfEngineError(first);
  if (kind === undefined || kind === 'unreachable') return ApiError.unavailable(text);
  if (kind === 'conflict') return ApiError.conflict(text);
  return kind === 'failed' ? ApiError.internal(text) : ApiError.invalid(text);
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
      engines.map((e, i) => e.ops.createNetwork(partBody(spec, id, subnets[i]))),
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
  return { Id: id, Warning: joinWarnings(warning, await pathsWarning(deps, engines)) };
}

/**
 * Containers attached right after the create (Compose does that) must reach each other: the create waits
 * (a few seconds at most) for the hosts' paths to the new parts, and names the engines still without them.
 */
async function pathsWarning(deps: NetworkDeps, engines: readonly Engine[]): Promise<string> {
  if (!deps.paths?.enabled) return '';
  await deps.paths.syncAll(false, 5000);
  const missing = deps.paths.unreachable(engines);
  if (missing.length === 0) return '';
  return `containers on ${missing.join(', ')} cannot reach the other engines' containers yet: their cross-engine paths are not in place (see docker info)`;
}

function joinWarnings(a: string, b: string): string {
  return a && b ? `${a}; ${b}` : a || b;
}
