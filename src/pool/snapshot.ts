// What the scheduler sees of an engine: a NodeSnapshot, rebuilt only when that engine's state changed.
import { nodeIdOf } from '../docker/swarm-id.js';
import type { Engine } from '../engine/engine.js';
import type { CachedContainer } from '../engine/types.js';
import { hostPortsOf, indexPorts } from '../scheduler/ports.js';
import type { ImageSummary } from '../engine/resource-lists.js';
import { heldCpus, memoryOf } from '../scheduler/resources.js';
import type { ContainerSnapshot, NodeSnapshot } from '../scheduler/types.js';
import type { NodeSpec, NodeSpecs } from './node-specs.js';
import type { Reservations } from './reservations.js';

/** States whose containers keep their CPU and memory reserved (unless reserveStopped says all do). */
const HOLDING = new Set(['running', 'paused', 'restarting', 'created', 'pending']);

export interface SnapshotPolicy {
  /** Classic Swarm kept reserving for stopped containers until they were removed. */
  reserveStopped: boolean;
}

export function containerSnapshot(c: CachedContainer, engineCpus: number): ContainerSnapshot {
  const d = c.detail;
  const networkMode = d.HostConfig.NetworkMode ?? 'default';
  return {
    id: c.id,
    name: c.name,
    image: d.Config.Image ?? c.summary.Image,
    imageId: d.Image,
    labels: d.Config.Labels ?? {},
    state: c.state,
    networkMode,
    // A service task's container that has ended is never started again (a restart is a new task and a new
    // container): its host ports are free for its successor, as in swarm mode.
    hostPorts:
      !HOLDING.has(c.state) && d.Config.Labels?.['com.docker.swarm.task.id']
        ? []
        : hostPortsOf(d.HostConfig.PortBindings, d.NetworkSettings.Ports),
    exposedPorts: networkMode === 'host' ? Object.keys(d.Config.ExposedPorts ?? {}) : [],
    memory: memoryOf(d.HostConfig),
    cpus: heldCpus(d.HostConfig, engineCpus),
  };
}

/** What image affinity matches: each image's ID, its repo:tags and their repos. */
export function imageSubjectsOf(images: readonly ImageSummary[]): string[] {
  const out: string[] = [];
  for (const img of images) {
    out.push(img.Id);
    for (const tag of img.RepoTags ?? []) {
      if (tag === '<none>:<none>') continue;
      out.push(tag);
      const colon = tag.lastIndexOf(':');
      if (colon > tag.lastIndexOf('/')) out.push(tag.slice(0, colon));
    }
  }
  return out;
}

interface Entry {
  /** Set when the engine's containers, images, health or reservations changed, or the entry was replaced. */
  stale: boolean;
  health: number;
  specs: Engine['specs'];
  spec: NodeSpec;
  snap: NodeSnapshot;
}

/**
 * Whether nothing an entry was built from changed. Containers, images, transitions and reservations mark
 * the entry stale (touch); health and the engine's specs are compared here, by value and by identity, since
 * they change without a notice; a node spec is looked up only after some spec changed.
 */
function current(entry: Entry, engine: Engine, spec: NodeSpec | undefined): boolean {
  return (
    !entry.stale &&
    entry.health === engine.healthIndicator &&
    entry.specs === engine.specs &&
    (spec === undefined || entry.spec === spec)
  );
}

export class SnapshotCache {
  private readonly cache = new WeakMap<Engine, Entry>();
  /**
   * A cached container is replaced, never changed, when the engine says it changed: its snapshot is made
   * once, so rebuilding an engine after one change costs one container, not all of them.
   */
  private readonly containerSnaps = new WeakMap<CachedContainer, { cpus: number; snap: ContainerSnapshot }>();
  /** The node specs' version the last all() saw: until it moves, no engine's spec is looked up. */
  private specsVersion = -1;
  private last:
    { engines: readonly Engine[]; entries: readonly Entry[]; nodes: readonly NodeSnapshot[] } | undefined;
  /** Engines touched since the last all(); with the same engines array, only these are looked at. */
  private readonly touched = new Set<Engine>();
  /** Each engine's position in last.engines. */
  private positions = new Map<Engine, number>();

  constructor(
    private readonly reservations: Reservations,
    private readonly policy: SnapshotPolicy,
    private readonly nodeSpecs: NodeSpecs,
  ) {}

  /** Marks an engine's snapshot stale (its containers, images, health or reservations changed). */
  touch(engine: Engine): void {
    const entry = this.cache.get(engine);
    if (entry) entry.stale = true;
    this.touched.add(engine);
  }

  of(engine: Engine): NodeSnapshot {
    return this.entryOf(engine, true).snap;
  }

  private entryOf(engine: Engine, checkSpec: boolean): Entry {
    const spec = this.nodeSpecs.of(engine.id);
    const hit = this.cache.get(engine);
    if (hit && current(hit, engine, checkSpec ? spec : undefined)) return hit;
    // A replaced entry stays stale: all() may still hold it.
    if (hit) hit.stale = true;
    const entry = {
      stale: false,
      health: engine.healthIndicator,
      specs: engine.specs,
      spec,
      snap: this.build(engine, spec),
    };
    this.cache.set(engine, entry);
    return entry;
  }

  /**
   * The snapshots of these engines, as an array that is reused while nothing changed and copied (never
   * mutated) when something did: the scheduler compares arrays position by position to reuse verdicts.
   * Given the very array of last time, only touched engines are looked at; given the same engines in
   * another array, an unchanged engine costs a few comparisons and no lookup.
   */
  all(engines: readonly Engine[]): readonly NodeSnapshot[] {
    const last = this.last;
    const specsMoved = this.nodeSpecs.version !== this.specsVersion;
    if (last?.engines === engines && !specsMoved) return this.patched(last);
    this.touched.clear();
    const aligned =
      last !== undefined &&
      last.engines.length === engines.length &&
      last.engines.every((e, i) => e === engines[i]);
    this.specsVersion = this.nodeSpecs.version;
    let nodes: NodeSnapshot[] | undefined;
    let entries: Entry[] | undefined;
    for (let i = 0; i < engines.length; i++) {
      const engine = engines[i] as Engine;
      const prev = aligned ? (last.entries[i] as Entry) : undefined;
      const unchanged =
        prev !== undefined && current(prev, engine, specsMoved ? this.nodeSpecs.of(engine.id) : undefined);
      const entry = unchanged ? prev : this.entryOf(engine, true);
      if (aligned && !nodes && last.nodes[i] === entry.snap) continue;
      nodes ??= aligned ? last.nodes.slice(0, i) : [];
      entries ??= aligned ? last.entries.slice(0, i) : [];
      nodes.push(entry.snap);
      entries.push(entry);
    }
    if (aligned && !nodes) {
      // The same engines in a new array: the next call with that array takes the short way.
      this.last = { ...last, engines };
      return last.nodes;
    }
    const result = nodes ?? [];
    this.last = { engines, entries: entries ?? [], nodes: result };
    if (!aligned) this.positions = new Map(engines.map((e, i) => [e, i]));
    return result;
  }

  /**
   * The same engines array as last time (the pool keeps it until an engine comes, goes or has its health or
   * specs set, and each of those touches it): only the touched engines can have changed.
   */
  private patched(last: NonNullable<SnapshotCache['last']>): readonly NodeSnapshot[] {
    let nodes: NodeSnapshot[] | undefined;
    let entries: Entry[] | undefined;
    for (const engine of this.touched) {
      const i = this.positions.get(engine);
      if (i === undefined) continue;
      const entry = this.entryOf(engine, true);
      if (entry.snap === last.nodes[i]) continue;
      nodes ??= last.nodes.slice();
      entries ??= last.entries.slice();
      nodes[i] = entry.snap;
      entries[i] = entry;
    }
    this.touched.clear();
    if (!nodes || !entries) return last.nodes;
    this.last = { engines: last.engines, entries, nodes };
    return nodes;
  }

  private containerOf(c: CachedContainer, cpus: number): ContainerSnapshot {
    const hit = this.containerSnaps.get(c);
    if (hit?.cpus === cpus) return hit.snap;
    const snap = containerSnapshot(c, cpus);
    this.containerSnaps.set(c, { cpus, snap });
    return snap;
  }

  private build(engine: Engine, spec: NodeSpec): NodeSnapshot {
    const cpus = engine.specs?.cpus ?? 0;
    const containers: ContainerSnapshot[] = [];
    for (const c of engine.containers.values()) containers.push(this.containerOf(c, cpus));
    for (const r of this.reservations.onEngine(engine.addr)) containers.push(r.container);
    let usedCpus = 0;
    let usedMemory = 0;
    for (const c of containers) {
      if (!this.policy.reserveStopped && !HOLDING.has(c.state)) continue;
      usedCpus += c.cpus;
      usedMemory += c.memory;
    }
    const { hostPorts, hostModePorts } = indexPorts(containers);
    return {
      id: engine.id,
      name: engine.name,
      addr: engine.addr,
      ip: engine.ip,
      labels: engine.specs?.labels ?? {},
      nodeId: nodeIdOf(engine.id),
      nodeLabels: spec.labels,
      availability: spec.availability,
      platform: { os: engine.specs?.osType ?? '', arch: engine.specs?.architecture ?? '' },
      cpus,
      memory: engine.specs?.memory ?? 0,
      healthIndicator: engine.healthIndicator,
      containers,
      usedCpus,
      usedMemory,
      images: imageSubjectsOf(engine.lists.images),
      hostPorts,
      hostModePorts,
      memo: new Map(),
    };
  }
}
