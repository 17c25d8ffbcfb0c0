// The pool as the services loop sees it: every engine as a swarm node (ready or down, with its
// availability), and the task containers of the engines that answer, through the ownership gate.
import { nodeIdOf } from '../../docker/swarm-id.js';
import type { Engine } from '../../engine/engine.js';
import type { Pool } from '../../pool/pool.js';
import { containerFacts, TASK_LABELS } from '../facts.js';
import type { ContainerFacts, NodeInfo } from '../types.js';

export interface ClusterView {
  nodes: NodeInfo[];
  containers: ContainerFacts[];
  /** The engine behind each node. */
  engines: Map<string, Engine>;
}

export class ClusterWatch {
  /** When each node was first seen down (in memory: a new leader starts counting afresh). */
  private readonly downSince = new Map<string, number>();
  /** Each engine's task containers, kept as containers change: a pass never walks every container. */
  private readonly taskIds = new Map<Engine, Set<string>>();

  constructor(
    private readonly pool: Pool,
    private readonly clusterId: string,
  ) {
    for (const engine of pool.all())
      for (const c of engine.containers.values())
        this.note(engine, c.id, c.detail.Config.Labels ?? c.summary.Labels);
    pool.onContainerChange((engine, id, labels) => this.note(engine, id, labels));
  }

  private note(
    engine: Engine,
    id: string,
    labels: Readonly<Record<string, string>> | null | undefined,
  ): void {
    const isTask = Boolean(labels?.[TASK_LABELS.taskId]) && engine.containers.get(id) !== undefined;
    let ids = this.taskIds.get(engine);
    if (isTask) {
      if (!ids) this.taskIds.set(engine, (ids = new Set()));
      ids.add(id);
    } else if (ids?.delete(id) && ids.size === 0) {
      this.taskIds.delete(engine);
    }
  }

  /** Every engine the pool knows as a node, and the engine behind each. */
  nodes(now: number): { nodes: NodeInfo[]; engines: Map<string, Engine> } {
    const nodes: NodeInfo[] = [];
    const engines = new Map<string, Engine>();
    for (const engine of this.pool.all()) {
      if (!engine.id) continue;
      const id = nodeIdOf(engine.id);
      engines.set(id, engine);
      const availability = this.pool.nodeSpecs.of(engine.id).availability;
      if (engine.isHealthy) {
        this.downSince.delete(id);
        nodes.push({ id, availability, state: 'ready' });
      } else {
        const since = this.downSince.get(id) ?? now;
        this.downSince.set(id, since);
        nodes.push({ id, availability, state: 'down', downSince: since });
      }
    }
    return { nodes, engines };
  }

  /** The nodes, and the task containers of the engines that answer (a node that is down: unknown). */
  view(now: number): ClusterView {
    const { nodes, engines } = this.nodes(now);
    const containers: ContainerFacts[] = [];
    for (const n of nodes) {
      const engine = engines.get(n.id);
      if (engine && n.state === 'ready') this.collect(engine, n.id, containers);
    }
    return { nodes, containers, engines };
  }

  private collect(engine: Engine, nodeId: string, out: ContainerFacts[]): void {
    for (const id of this.taskIds.get(engine) ?? []) {
      const c = engine.containers.get(id);
      const labels = c && (c.detail.Config.Labels ?? c.summary.Labels);
      if (!c || !labels?.[TASK_LABELS.taskId]) continue;
      const state = c.detail.State as { Pid?: number; Error?: string; ExitCode?: number };
      const f = containerFacts(
        {
          id: c.id,
          nodeId,
          labels,
          state: c.state,
          exitCode: state.ExitCode,
          pid: state.Pid,
          error: state.Error,
          health: c.detail.State.Health?.Status,
        },
        this.clusterId,
      );
      if (f) out.push(f);
    }
  }
}
