// An engine that joins or comes back is brought in line with the network records: parts of removed (or
// interrupted) networks go, networks made before the store are recorded, missing parts are made on the
// subnet the engine had before, and a network removed out of band from every engine is forgotten (fate.ts).
// One engine at a time; a store that cannot be reached is tried again; an engine whose networks could not
// be decided yet (other engines still unknown) is looked at again after the next one.
import { jitter } from '../backoff.js';
import type { Engine } from '../engine/engine.js';
import { describe } from '../engine/connection-errors.js';
import { isEngineError } from '../engine/errors.js';
import type { NetworkSummary } from '../engine/resource-lists.js';
import { log } from '../log.js';
import { StoreReadOnlyError, StoreUnavailableError } from '../store/errors.js';
import { allocateSubnet, CLUSTER_LABEL, clusterNetworks, type NetworkDeps } from './cluster-networks.js';
import {
  adoptedRecord,
  creatingHere,
  networkRecords,
  partRecord,
  recordedSubnets,
  subnetOf,
  updateNetwork,
  withoutPart,
  withPart,
  type NetworkRecord,
} from './records.js';
import { fateOf, forgotten, viewsOf } from './fate.js';
import { partBody } from './spec.js';

const RETRY_MS = 5_000;

export class NetworkReconciler {
  private queue: Promise<void> = Promise.resolve();
  /** Engines with a network whose fate was not known yet. */
  private readonly waiting = new Set<Engine>();

  constructor(private readonly deps: NetworkDeps) {}

  /** An engine joined or came back (or this manager was elected): its parts made to match the records. */
  engineReady(engine: Engine): void {
    this.queue = this.queue.then(() => this.run(engine));
  }

  /** Resolves once every reconcile asked for so far has run. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async run(engine: Engine): Promise<void> {
    await this.runOne(engine);
    // What waited on this engine's answer can be decided now.
    for (const other of [...this.waiting]) {
      if (other === engine) continue;
      this.waiting.delete(other);
      await this.runOne(other);
    }
  }

  private async runOne(engine: Engine): Promise<void> {
    if (!engine.isHealthy || !engine.id) return;
    try {
      if ((await reconcileEngine(this.deps, engine)) === 'waiting') this.waiting.add(engine);
    } catch (err) {
      if (err instanceof StoreReadOnlyError) return log.debug(`Networks of ${engine.name}: ${err.message}`);
      const retry = err instanceof StoreUnavailableError;
      const wait = jitter(RETRY_MS);
      log.warn(
        `Could not bring the networks of ${engine.name} in line with the cluster state: ${describe(err)}` +
          (retry ? `; trying again in ${(wait / 1000).toFixed(1)}s` : ''),
      );
      if (retry) setTimeout(() => this.engineReady(engine), wait).unref();
    }
  }
}

function labelledParts(engine: Engine): Map<string, NetworkSummary> {
  const out = new Map<string, NetworkSummary>();
  for (const n of engine.lists.networks) {
    const id = n.Labels?.[CLUSTER_LABEL];
    if (id) out.set(id, n);
  }
  return out;
}

/** `creating` records no create of this process is working on were interrupted: they are rolled back. */
async function abandonInterrupted(deps: NetworkDeps, records: Map<string, NetworkRecord>): Promise<void> {
  for (const rec of records.values()) {
    if (rec.state !== 'creating' || creatingHere.has(rec.id)) continue;
    log.info(`Rolling back network ${rec.name} (${rec.id.slice(0, 12)}): its creation was interrupted`);
    const next = await updateNetwork(deps.store, rec.id, (cur) =>
      cur?.state === 'creating' ? { ...cur, state: 'removed' } : cur,
    );
    if (next) records.set(rec.id, next);
    else records.delete(rec.id);
  }
}

export async function deletePart(deps: NetworkDeps, engine: Engine, id: string, part: NetworkSummary) {
  try {
    await engine.ops.removeNetwork(part.Id);
  } catch (err) {
    if (!isEngineError(err, 'noSuchNetwork', 'notFound')) {
      log.warn(`Could not remove the stale part of network ${part.Name} on ${engine.name}: ${describe(err)}`);
      return;
    }
  }
  log.info(`Removed the part of network ${part.Name} on ${engine.name}: the network was removed`);
  await updateNetwork(deps.store, id, (cur) => withoutPart(cur, engine));
}

async function addPart(deps: NetworkDeps, engine: Engine, rec: NetworkRecord, reserved: string[]) {
  const recorded = rec.parts[engine.id]?.subnet;
  const bridge = rec.spec.Driver === 'bridge';
  const subnet =
    recorded ?? (bridge ? allocateSubnet(deps.pool, engine, deps.networkPool, reserved) : undefined);
  if (bridge && !subnet) {
    log.warn(`No free subnet left in the network pool for network ${rec.name} on ${engine.name}`);
    return;
  }
  let partId: string;
  try {
    partId = await engine.ops.createNetwork(partBody(rec.spec, rec.id, subnet));
  } catch (err) {
    log.warn(`Could not create network ${rec.name} on ${engine.name}: ${describe(err)}`);
    return;
  }
  const how = subnet ? ` (${subnet}${recorded ? ', as before' : ''})` : '';
  log.info(`Created the part of network ${rec.name} on ${engine.name}${how}`);
  const next = await updateNetwork(deps.store, rec.id, (cur) =>
    cur ? withPart(cur, engine, partRecord(engine, subnet)) : cur,
  );
  // Removed while the part was being made: it goes again.
  if (!next || next.state === 'removed')
    await deletePart(deps, engine, rec.id, { Id: partId, Name: rec.name, Driver: '', Scope: 'local' });
}

export async function reconcileEngine(deps: NetworkDeps, engine: Engine): Promise<'done' | 'waiting'> {
  const records = await networkRecords(deps.store);
  await abandonInterrupted(deps, records);
  const here = labelledParts(engine);
  // Parts of removed networks go first: a network made since may use the same name.
  for (const [id, part] of here) {
    if (records.get(id)?.state !== 'removed') continue;
    await deletePart(deps, engine, id, part);
    here.delete(id);
  }
  const cluster = clusterNetworks(deps.pool);
  // Parts the records do not know: a network made before the store is adopted as the engines have it, and
  // a recorded network's part is recorded with the subnet it has.
  for (const [id, part] of here) {
    const rec = records.get(id);
    const subnet = subnetOf(part);
    const known = rec !== undefined && engine.id in rec.parts && rec.parts[engine.id]?.subnet === subnet;
    if (known || (rec !== undefined && rec.state !== 'created')) continue;
    const adopted = cluster.get(id);
    const next = await updateNetwork(deps.store, id, (cur) =>
      cur ? withPart(cur, engine, partRecord(engine, subnet)) : adopted && adoptedRecord(adopted),
    );
    if (!rec && next) log.info(`Recorded network ${part.Name} (${id.slice(0, 12)}) in the cluster state`);
    if (next) records.set(id, next);
  }
  let waiting = false;
  for (const rec of records.values()) {
    if (rec.state !== 'created' || here.has(rec.id)) continue;
    const fate = fateOf(rec, viewsOf(deps.pool, rec.id));
    if (fate === 'repair') await addPart(deps, engine, rec, recordedSubnets(records.values()));
    else if (fate === 'wait') waiting = true;
    else {
      log.info(`Forgot network ${rec.name} (${rec.id.slice(0, 12)}): it was removed from every engine`);
      await updateNetwork(deps.store, rec.id, (cur) => forgotten(cur, deps.pool));
    }
  }
  return waiting ? 'waiting' : 'done';
}
