// The snapshot cache: an unchanged engine keeps its snapshot (and the array is reused); every kind of change
// (touch, a reservation, health, the engine's specs, a node spec, membership) gives a new one.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { NodeSpecs } from '../../src/pool/node-specs.js';
import { Reservations } from '../../src/pool/reservations.js';
import { SnapshotCache } from '../../src/pool/snapshot.js';
import type { ContainerSnapshot } from '../../src/scheduler/types.js';

interface FakeEngine {
  addr: string;
  id: string;
  name: string;
  ip: string;
  healthIndicator: number;
  specs: {
    cpus: number;
    memory: number;
    labels: Record<string, string>;
    osType: string;
    architecture: string;
  };
  containers: Map<string, unknown>;
  lists: { images: never[] };
}

function engine(n: number): FakeEngine {
  return {
    addr: `10.0.0.${n}:2375`,
    id: `id-${n}`,
    name: `e${n}`,
    ip: `10.0.0.${n}`,
    healthIndicator: 100,
    specs: { cpus: 2, memory: 1e9, labels: {}, osType: 'linux', architecture: 'x86_64' },
    containers: new Map<string, unknown>(),
    lists: { images: [] },
  };
}

const pending: ContainerSnapshot = {
  id: '',
  name: 'p',
  image: 'busybox',
  imageId: '',
  labels: {},
  state: 'pending',
  networkMode: 'default',
  hostPorts: [],
  exposedPorts: [],
  memory: 0,
  cpus: 0,
};

function cached(id: string, state = 'running') {
  return {
    id,
    name: id,
    state,
    createdMs: 0,
    summary: { Image: 'busybox' },
    detail: { Config: { Labels: {} }, HostConfig: {}, NetworkSettings: {} },
  };
}

function setup() {
  const engines = [engine(1), engine(2), engine(3)];
  const list = engines as unknown as Engine[];
  const specs = new NodeSpecs();
  // As the pool does: a claim or a release touches that engine's snapshot.
  const touched: { cache?: SnapshotCache } = {};
  const reservations = new Reservations((addr) => {
    const e = list.find((x) => x.addr === addr);
    if (e) touched.cache?.touch(e);
  });
  const cache = new SnapshotCache(reservations, { reserveStopped: false }, specs);
  touched.cache = cache;
  return { engines, list, specs, reservations, cache };
}

describe('SnapshotCache', () => {
  it('reuses the array while nothing changed', () => {
    const { list, cache } = setup();
    const a = cache.all(list);
    expect(cache.all([...list])).toBe(a);
  });

  it('rebuilds a touched engine only, in a new array', () => {
    const { list, cache } = setup();
    const a = cache.all(list);
    cache.touch(list[1] as Engine);
    const b = cache.all(list);
    expect(b).not.toBe(a);
    expect(b[0]).toBe(a[0]);
    expect(b[1]).not.toBe(a[1]);
    expect(b[2]).toBe(a[2]);
  });

  it('sees reservations come and go', () => {
    const { engines, list, cache, reservations } = setup();
    cache.all(list);
    const release = reservations.reserve({
      name: 'x',
      engineAddr: engines[2]?.addr ?? '',
      container: pending,
    });
    expect(cache.all(list)[2]?.containers).toHaveLength(1);
    release();
    expect(cache.all(list)[2]?.containers).toHaveLength(0);
  });

  it('sees health and specs change without a notice in a new array of engines', () => {
    const { engines, list, cache } = setup();
    cache.all(list);
    (engines[0] as FakeEngine).healthIndicator = 50;
    expect(cache.all([...list])[0]?.healthIndicator).toBe(50);
    (engines[1] as FakeEngine).specs = { ...(engines[1] as FakeEngine).specs, cpus: 8 };
    expect(cache.all([...list])[1]?.cpus).toBe(8);
  });

  it('given the very same array, looks only at touched engines (the pool touches on health and specs)', () => {
    const { engines, list, cache } = setup();
    const a = cache.all(list);
    (engines[0] as FakeEngine).healthIndicator = 50;
    expect(cache.all(list)).toBe(a);
    cache.touch(list[0] as Engine);
    const b = cache.all(list);
    expect(b[0]?.healthIndicator).toBe(50);
    expect(b[1]).toBe(a[1]);
    const again = [...list];
    expect(cache.all(again)).toBe(b);
    cache.touch(list[2] as Engine);
    expect(cache.all(again)[2]).not.toBe(b[2]);
  });

  it('sees a node spec change', () => {
    const { list, cache, specs } = setup();
    cache.all(list);
    specs.set('id-3', { labels: { zone: 'a' }, availability: 'drain' });
    const b = cache.all(list);
    expect(b[2]?.availability).toBe('drain');
    expect(b[2]?.nodeLabels).toEqual({ zone: 'a' });
    specs.delete('id-3');
    expect(cache.all(list)[2]?.availability).toBe('active');
  });

  it('never hands back an entry replaced by a direct look-up', () => {
    const { engines, list, cache } = setup();
    const a = cache.all(list);
    (engines[0] as FakeEngine).healthIndicator = 50;
    const direct = cache.of(list[0] as Engine);
    (engines[0] as FakeEngine).healthIndicator = 100;
    cache.touch(list[0] as Engine);
    const b = cache.all(list);
    expect(b[0]).not.toBe(a[0]);
    expect(b[0]).not.toBe(direct);
  });

  it('rebuilds a touched engine from the snapshots of its unchanged containers', () => {
    const { engines, list, cache } = setup();
    const box = engines[0] as FakeEngine;
    box.containers.set('a', cached('a'));
    box.containers.set('b', cached('b'));
    cache.touch(list[0] as Engine);
    const before = cache.all(list)[0]?.containers ?? [];
    box.containers.set('b', cached('b', 'exited'));
    cache.touch(list[0] as Engine);
    const after = cache.all(list)[0]?.containers ?? [];
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[1]?.state).toBe('exited');
  });

  it('follows membership', () => {
    const { list, cache } = setup();
    cache.all(list);
    const fewer = cache.all(list.slice(1));
    expect(fewer.map((n) => n.name)).toEqual(['e2', 'e3']);
  });
});
