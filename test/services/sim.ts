// A simulated cluster for the property tests: it carries out reconcile's actions the way the services loop
// is meant to (at once, in order), hides the containers of nodes that are down, and notes every action
// that names something reconcile was not given, or belongs to another service.
import type { Action } from '../../src/services/actions.js';
import { containerFacts, type EngineContainer } from '../../src/services/facts.js';
import { reconcile } from '../../src/services/reconcile.js';
import { canAdvance } from '../../src/services/task-state.js';
import { withUpdate } from '../../src/services/service-record.js';
import { newTask, withDesired, withPlacement, withStatus } from '../../src/services/task-record.js';
import type {
  ContainerFacts,
  DesiredService,
  NodeInfo,
  Observed,
  ReconcileOptions,
  Task,
} from '../../src/services/types.js';
import { taskContainerLabels } from '../../src/services/view.js';
import { CLUSTER } from './fixtures.js';

export const STEP_MS = 1000;

export class World {
  readonly tasks = new Map<string, Task>();
  readonly containers = new Map<string, EngineContainer>();
  /** Rule breaks seen so far; a property asserts this stays empty. */
  readonly violations: string[] = [];
  /** The exit code of a task's process as soon as it starts (a bad image or command); undefined: it runs. */
  exitOnStart: (t: Task) => number | undefined = () => undefined;
  private seq = 0;
  private index = 1000;

  constructor(
    public now: number,
    public nodes: NodeInfo[],
    public services: DesiredService[],
    tasks: Task[],
    containers: EngineContainer[],
    readonly options: ReconcileOptions = {},
  ) {
    for (const t of tasks) this.tasks.set(t.ID, t);
    // A world rebuilt from another's records (a failover) goes on with its task IDs.
    for (const t of tasks) this.seq = Math.max(this.seq, Number(/^T(\d+)$/.exec(t.ID)?.[1] ?? 0));
    for (const c of containers) this.containers.set(c.id, c);
  }

  up(nodeId: string): boolean {
    return this.nodes.some((n) => n.id === nodeId && n.state === 'ready');
  }

  observe(): Observed {
    const containers: ContainerFacts[] = [];
    for (const c of this.containers.values()) {
      const f = this.up(c.nodeId) ? containerFacts(c, CLUSTER) : undefined;
      if (f) containers.push(f);
    }
    return { tasks: [...this.tasks.values()], containers };
  }

  /** One pass: reconcile, check its actions, carry them out; time moves on a step. */
  step(): Action[] {
    const observed = this.observe();
    const actions = reconcile(
      { services: this.services, nodes: this.nodes },
      observed,
      this.now,
      this.options,
    );
    this.check(actions, observed);
    for (const a of actions) this.apply(a);
    this.now += STEP_MS;
    return actions;
  }

  private check(actions: Action[], observed: Observed): void {
    const tasks = new Map(observed.tasks.map((t) => [t.ID, t]));
    const facts = new Map(observed.containers.map((f) => [f.containerId, f]));
    const bad = (a: Action, why: string) => this.violations.push(`${why}: ${JSON.stringify(a)}`);
    for (const a of actions) {
      if (a.kind === 'createTask') {
        if (!this.services.some((d) => d.service.ID === a.serviceId))
          bad(a, 'task for a service not desired');
        const old = a.replaces === undefined ? undefined : tasks.get(a.replaces);
        if (a.replaces !== undefined && (!old || old.ServiceID !== a.serviceId))
          bad(a, 'replaces a task it was not given');
        if (
          a.replaces !== undefined &&
          !actions.some((b) => b.kind === 'shutdownTask' && b.taskId === a.replaces)
        )
          bad(a, 'replacement without the shutdown of the task it replaces');
      } else if (a.kind === 'updateService') {
        if (!this.services.some((d) => d.service.ID === a.serviceId)) bad(a, 'a service not desired');
      } else if (a.kind === 'startContainer' || a.kind === 'stopContainer' || a.kind === 'removeContainer') {
        const f = facts.get(a.containerId);
        if (!f) bad(a, 'container it was not given');
        else if (f.serviceId !== a.serviceId || f.nodeId !== a.nodeId || f.taskId !== a.taskId)
          bad(a, "another service's container");
      } else {
        const t = tasks.get(a.taskId);
        if (!t) bad(a, 'task it was not given');
        else if (t.ServiceID !== a.serviceId) bad(a, "another service's task");
        else if (a.kind === 'markTask' && !canAdvance(t.Status.State, a.state))
          bad(a, 'state moved backwards');
      }
    }
  }

  private apply(a: Action): void {
    if (a.kind === 'updateService') {
      this.services = this.services.map((d) =>
        d.service.ID === a.serviceId
          ? { ...d, service: withUpdate(d.service, a, this.now, this.index++) }
          : d,
      );
      return;
    }
    const t = a.kind === 'createTask' ? undefined : this.tasks.get(a.taskId);
    const put = (next: Task) => this.tasks.set(next.ID, next);
    switch (a.kind) {
      case 'markTask':
        if (t) put(withStatus(t, a, this.now, this.index++));
        return;
      case 'shutdownTask':
        if (t) put(withDesired(t, a.desiredState, this.now, this.index++, a.handover === true));
        return;
      case 'startTask':
        if (t) put(withDesired(t, 'running', this.now, this.index++));
        return;
      case 'removeTask':
        this.tasks.delete(a.taskId);
        return;
      case 'createTask': {
        const service = this.services.find((d) => d.service.ID === a.serviceId)?.service;
        const id = `T${String(++this.seq).padStart(5, '0')}`;
        if (service) put(newTask(service, a, id, this.now, this.index++));
        return;
      }
      case 'placeTask':
        if (t) this.place(t, a.nodeId, a.avoid);
        return;
      case 'startContainer':
      case 'stopContainer':
      case 'removeContainer':
        this.container(a);
        return;
    }
  }

  /** Placement, as the loop does it through Placer.place: the node with fewest containers, then the create. */
  private place(t: Task, pinned: string | undefined, avoid: readonly string[]): void {
    const service = this.services.find((d) => d.service.ID === t.ServiceID)?.service;
    const load = (id: string) => [...this.containers.values()].filter((c) => c.nodeId === id).length;
    const candidates = this.nodes
      .filter((n) => n.state === 'ready' && (pinned ? n.id === pinned : !avoid.includes(n.id)))
      .sort((x, y) => load(x.id) - load(y.id) || (x.id < y.id ? -1 : 1));
    const target = candidates[0];
    if (!service || !target) {
      const mark = {
        serviceId: t.ServiceID,
        taskId: t.ID,
        state: 'pending' as const,
        message: 'no suitable node',
      };
      this.tasks.set(t.ID, withStatus(t, mark, this.now, this.index++));
      return;
    }
    const placed = withPlacement(t, target.id, this.now, this.index++);
    this.tasks.set(t.ID, placed);
    const c: EngineContainer = {
      id: `c-${t.ID}`,
      nodeId: target.id,
      labels: taskContainerLabels(service, placed, CLUSTER),
      state: 'created',
      exitCode: 0,
    };
    this.containers.set(c.id, placed.DesiredState === 'running' ? this.started(c, placed) : c);
  }

  /** A container once started: running, or exited at once if its task's process fails. */
  private started(c: EngineContainer, t: Task | undefined): EngineContainer {
    const code = t ? this.exitOnStart(t) : undefined;
    if (code === undefined) return { ...c, state: 'running', health: undefined };
    return { ...c, state: 'exited', exitCode: code, health: undefined };
  }

  private container(a: Extract<Action, { containerId: string }>): void {
    const c = this.containers.get(a.containerId);
    if (!c) return;
    if (a.kind === 'removeContainer') this.containers.delete(c.id);
    else if (a.kind === 'startContainer')
      this.containers.set(c.id, this.started(c, this.tasks.get(a.taskId)));
    else this.containers.set(c.id, { ...c, state: 'exited', exitCode: 0, health: undefined });
  }
}
