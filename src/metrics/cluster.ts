// The cluster's state as gauges, read at each scrape: engines, their containers and reservations, the
// leader, swarm-mode services and tasks.
import type { Registry } from 'prom-client';
import type { Engine } from '../engine/engine.js';
import type { NodeSnapshot } from '../scheduler/types.js';
import { serviceMode } from '../services/spec.js';
import { readGauge } from './define.js';
import type { MetricSources } from './sources.js';

const ENGINE_STATES = ['pending', 'healthy', 'unhealthy', 'disconnected'] as const;

/** An engine's label: its name, or its address while it has none (not validated yet). */
export function engineLabel(e: Engine): string {
  return e.name || e.addr;
}

/** How many items share each label set. */
function countBy<T>(
  items: Iterable<T>,
  labelsOf: (item: T) => Record<string, string>,
): [Record<string, string>, number][] {
  const counts = new Map<string, [Record<string, string>, number]>();
  for (const item of items) {
    const labels = labelsOf(item);
    const key = JSON.stringify(labels);
    const hit = counts.get(key);
    if (hit) hit[1]++;
    else counts.set(key, [labels, 1]);
  }
  return [...counts.values()];
}

export function registerCluster(registry: Registry, src: MetricSources): void {
  const { pool } = src;
  readGauge(registry, {
    name: 'shoal_engines',
    help: 'Engines in the pool, by state (pending, healthy, unhealthy, disconnected).',
    labelNames: ['state'],
    *read() {
      const counts = new Map<string, number>(ENGINE_STATES.map((s) => [s, 0]));
      for (const e of pool.all()) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
      for (const [state, n] of counts) yield [{ state }, n];
    },
  });
  readGauge(registry, {
    name: 'shoal_engine_up',
    help: 'Whether each engine is healthy (1) or not (0).',
    labelNames: ['engine'],
    *read() {
      for (const e of pool.all()) yield [{ engine: engineLabel(e) }, e.isHealthy ? 1 : 0];
    },
  });
  readGauge(registry, {
    name: 'shoal_containers',
    help: "Containers in Shoal's cache, by engine and state (running, paused, stopped).",
    labelNames: ['engine', 'state'],
    *read() {
      for (const e of pool.validated()) {
        const engine = engineLabel(e);
        for (const [state, n] of Object.entries(e.containers.counts)) yield [{ engine, state }, n];
      }
    },
  });
  registerResources(registry, src);
  readGauge(registry, {
    name: 'shoal_leader',
    help: 'Whether this manager leads (1) or is a replica (0); always 1 without --replication.',
    read: () => [[{}, src.leads() ? 1 : 0]],
  });
  readGauge(registry, {
    name: 'shoal_services',
    help: 'Swarm-mode services, by mode and update state (none when never updated).',
    labelNames: ['mode', 'update_state'],
    read: () =>
      countBy(src.services.allServices(), (s) => ({
        mode: serviceMode(s.Spec).kind,
        update_state: s.UpdateStatus?.State ?? 'none',
      })),
  });
  readGauge(registry, {
    name: 'shoal_tasks',
    help: 'Swarm-mode tasks, by state and desired state.',
    labelNames: ['state', 'desired_state'],
    read: () =>
      countBy(src.services.allTasks(), (t) => ({ state: t.Status.State, desired_state: t.DesiredState })),
  });
}

/** Each validated engine's CPUs and memory, and what its containers (and placements under way) reserve. */
function registerResources(registry: Registry, { pool }: MetricSources): void {
  const per = (name: string, help: string, value: (n: NodeSnapshot) => number) =>
    readGauge(registry, {
      name,
      help,
      labelNames: ['engine'],
      *read() {
        for (const n of pool.snapshot()) yield [{ engine: n.name || n.addr }, value(n)];
      },
    });
  per('shoal_engine_cpus', 'CPUs of each engine.', (n) => n.cpus);
  per(
    'shoal_engine_cpus_reserved',
    "CPUs reserved on each engine by its containers' limits.",
    (n) => n.usedCpus,
  );
  per('shoal_engine_memory_bytes', 'Memory of each engine, in bytes.', (n) => n.memory);
  per(
    'shoal_engine_memory_reserved_bytes',
    "Memory reserved on each engine by its containers' limits, in bytes.",
    (n) => n.usedMemory,
  );
}
