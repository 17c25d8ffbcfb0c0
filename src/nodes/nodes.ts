// Swarm mode's nodes for the pool: list, inspect, update and remove (`docker node …`), and the swarm object.
// A node is an engine (a worker: ready while the engine is healthy, down otherwise or once it has left the
// pool), plus the manager that leads, which is Shoal itself.
import type { FilterArgs } from '../docker/filters.js';
import type { Engine } from '../engine/engine.js';
import { ApiError } from '../errors.js';
import { log } from '../log.js';
import type { Pool } from '../pool/pool.js';
import { StoreReadOnlyError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { nodeFilter } from './node-filters.js';
import { engineNode, freshRecord, managerNode, type DockerNode, type LeaderNode } from './node-object.js';
import { parseNodeSpec, parseNodeVersion } from './node-spec.js';
import type { NodeRecord } from './records.js';
import { NodeRegistry } from './registry.js';
import { swarmInfo, swarmObject } from './swarm-object.js';

export interface NodesOptions {
  /** The cluster's identity (src/discovery/identity.ts): the swarm's and the manager's IDs derive from it. */
  cluster: string;
  /** --network-pool, the swarm's default address pool. */
  networkPool: string;
  /** The manager that leads (this one without --replication), or undefined while there is none. */
  leader(): LeaderNode | undefined;
}

interface Found {
  node: DockerNode;
  /** Absent for the manager node. */
  engineId?: string;
  /** The record the node was shown from (not stored yet when its index is 0). */
  record?: NodeRecord;
}

export class Nodes {
  readonly registry: NodeRegistry;

  constructor(
    private readonly pool: Pool,
    store: Store,
    private readonly opts: NodesOptions,
  ) {
    this.registry = new NodeRegistry(pool, store);
  }

  /** Loads the records; the leader then records the swarm and every healthy engine. Never throws. */
  async start(): Promise<void> {
    try {
      await this.registry.load();
      await this.registry.recordSwarm();
      await Promise.all(this.pool.healthy().map((e) => this.registry.record(e)));
    } catch (err) {
      if (err instanceof StoreReadOnlyError) return;
      log.warn(`Swarm nodes: ${(err as Error).message}; the records are read again when asked for`);
    }
  }

  /** An engine connected or came back: the leader records it (or what changed about it). */
  engineReady(engine: Engine): void {
    this.registry.record(engine).catch((err: unknown) => {
      log.warn(`Swarm node of ${engine.name}: ${(err as Error).message}`);
    });
  }

  async list(filters: FilterArgs): Promise<DockerNode[]> {
    const keep = nodeFilter(filters);
    return (await this.nodes()).map((f) => f.node).filter(keep);
  }

  async inspect(ref: string): Promise<DockerNode> {
    return (await this.find(ref)).node;
  }

  async update(
    ref: string,
    rawVersion: string | null,
    body: Record<string, unknown> | undefined,
  ): Promise<void> {
    const version = parseNodeVersion(rawVersion);
    const spec = parseNodeSpec(body);
    const { node, engineId, record } = await this.find(ref);
    if (!engineId) {
      throw ApiError.invalid(
        `node ${node.ID} is Shoal's manager: it runs no tasks, so it has no labels or availability to change`,
      );
    }
    if (spec.Role === 'manager') {
      throw ApiError.invalid(
        `node ${node.ID} (${node.Description.Hostname}) is an engine of Shoal's pool and stays a worker: ` +
          `Shoal itself is the swarm's manager, so the Role of a node cannot be "manager"`,
      );
    }
    await this.registry.updateSpec(engineId, version, { ...spec, Role: 'worker' }, record);
  }

  async remove(ref: string, force: boolean): Promise<void> {
    const { node, engineId } = await this.find(ref);
    const precondition = (why: string) =>
      ApiError.invalid(`rpc error: code = FailedPrecondition desc = ${why}`);
    if (!engineId) {
      throw precondition(
        `node ${node.ID} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`,
      );
    }
    if (node.Status.State === 'ready') {
      if (!force) throw precondition(`node ${node.ID} is not down and can't be removed`);
      throw ApiError.invalid(
        `node ${node.ID} cannot be removed, even with --force: its engine ${node.Description.Hostname} is ` +
          `healthy in Shoal's pool. Take the engine out of the discovery first; its node is then down and can be removed`,
      );
    }
    await this.registry.remove(engineId);
  }

  swarm(): Record<string, unknown> {
    return swarmObject(this.opts.cluster, this.registry.swarm(), this.opts.networkPool);
  }

  /** `/info`'s Swarm section, from what this manager holds (no store read: /info stays quick). */
  info(): Record<string, unknown> {
    const leader = this.opts.leader();
    const records = this.registry.all();
    const unrecorded = this.pool.healthy().filter((e) => e.id && !records.has(e.id)).length;
    const managers = leader ? 1 : 0;
    const counts = { nodes: records.size + unrecorded + managers, managers };
    return swarmInfo(this.opts.cluster, this.registry.swarm(), this.opts.networkPool, leader, counts);
  }

  /** The leading manager, then every engine with a record or healthy (one not recorded yet is, now). */
  private async nodes(): Promise<Found[]> {
    await this.registry.ready();
    const engines = new Map<string, Engine>();
    for (const e of this.pool.all()) if (e.id) engines.set(e.id, e);
    const records = this.registry.all();
    const missing = [...engines.values()].filter((e) => e.isHealthy && !records.has(e.id));
    // Shown with index 0 when the store cannot take them now: an update then fails as the write would.
    await Promise.all(missing.map((e) => this.registry.record(e).catch(() => undefined)));
    const out: Found[] = [];
    const leader = this.opts.leader();
    if (leader) out.push({ node: managerNode(this.opts.cluster, leader, this.registry.swarm()) });
    const now = new Date().toISOString();
    for (const [id, rec] of records)
      out.push({ node: engineNode(rec, engines.get(id)), engineId: id, record: rec });
    for (const e of engines.values()) {
      if (records.has(e.id) || !e.isHealthy) continue;
      const rec = freshRecord(e, now);
      out.push({ node: engineNode(rec, e), engineId: e.id, record: rec });
    }
    return out;
  }

  /** By full ID, then hostname (or spec name), then unique ID prefix: swarmkit's order and texts. */
  private async find(ref: string): Promise<Found> {
    const all = await this.nodes();
    const byId = all.find((f) => f.node.ID === ref);
    if (byId) return byId;
    let hits = all.filter((f) => f.node.Description.Hostname === ref || f.node.Spec.Name === ref);
    if (hits.length === 0) hits = all.filter((f) => f.node.ID.startsWith(ref));
    if (hits.length > 1) throw ApiError.invalid(`node ${ref} is ambiguous (${hits.length} matches found)`);
    const hit = hits[0];
    if (!hit) throw ApiError.notFound(`node ${ref} not found`);
    return hit;
  }
}
