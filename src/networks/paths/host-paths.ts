// Keeps every engine's host able to reach the other engines' parts of the cluster networks, continuously:
// when engines join, return or leave, when cluster networks are made or removed, and every minute (a host
// can lose its state behind our back: a dockerd restart rebuilds its own chains). One run per host at a
// time; a change during a run asks for one more.
import type { Engine } from '../../engine/engine.js';
import { log } from '../../log.js';
import type { Pool } from '../../pool/pool.js';
import { clusterNetworks } from '../cluster-networks.js';
import { runOnHost } from './helper.js';
import type { PathKeeper } from './keeper.js';
import { LocalHost } from './local-host.js';
import { managerHosts, type ManagerHost } from './managers.js';
import { macOf } from './host-paths-id.js';

export { macOf } from './host-paths-id.js';
import { planFor, type HostInfo, type Part, type PathMode } from './plan.js';
import { hostScript, parseReport, type ScriptReport } from './script.js';

export interface HostPathsOptions {
  mode: PathMode | 'off';
  /**
   * Addresses of this manager that containers must reach with their own addresses (the DNS), and a hook told
   * this host's address toward the engines once it is known (the other managers route to it).
   */
  local?: { addresses: readonly string[]; hostIp?: (ip: string) => void };
  /** With several managers: the others' hosts and resolver addresses (the leader routes them too). */
  managers?: () => readonly ManagerHost[];
  /** Only the leader changes hosts (absent: always). */
  leads?: () => boolean;
  /** VXLAN network identifier shared by the cluster's hosts. */
  vni?: number;
  resyncMs?: number;
}

export interface PathStatus {
  state: 'pending' | 'ok' | 'partial' | 'error';
  report?: ScriptReport;
  /** Peers the plan had. */
  expected: number;
  error?: string;
}

interface HostState {
  running: boolean;
  again: boolean;
  /** The script last applied (a network change that does not change it needs no run). */
  applied?: string;
  status: PathStatus;
  waiters: (() => void)[];
}

const DEFAULT_VNI = 4242;

export class HostPaths implements PathKeeper {
  private readonly hosts = new Map<string, HostState>();
  /** What each engine last said it has, kept while it is away so its peers keep their paths to it. */
  private readonly known = new Map<string, HostInfo>();
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly local: LocalHost | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly opts: HostPathsOptions,
  ) {
    this.local = opts.local ? new LocalHost(opts.local.addresses) : undefined;
  }

  get enabled(): boolean {
    return this.opts.mode !== 'off';
  }

  start(): void {
    if (!this.enabled) return;
    this.pool.onTransition((engine, what) => {
      if (what !== 'engine_disconnect' || !this.pool.all().includes(engine)) this.changed(true);
    });
    this.pool.onListChange((_engine, kind) => {
      if (kind === 'networks') this.changed(false);
    });
    this.timer = setInterval(() => void this.syncAll(true), this.opts.resyncMs ?? 60_000);
    this.timer.unref();
    this.changed(true);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    // Another manager on this host routes the same parts back: the routes stay for it.
    const ip = this.local?.hostIp;
    if (this.opts.managers?.().some((m) => m.host === ip)) return;
    await this.local?.clear(this.vni);
  }

  /** The set of managers changed: the engines route to the ones there are now. */
  managersChanged(): void {
    if (this.enabled) this.changed(true);
  }

  private get vni(): number {
    return this.opts.vni ?? DEFAULT_VNI;
  }

  private get mode(): PathMode {
    return this.opts.mode === 'off' ? 'auto' : this.opts.mode;
  }

  statusOf(engine: Engine): PathStatus | undefined {
    return this.hosts.get(engine.id)?.status;
  }

  /** `docker info`'s line for an engine: `vxlan, 2/2 peers`. */
  infoLine(engine: Engine): string | undefined {
    if (!this.enabled) return undefined;
    const s = this.statusOf(engine);
    if (!s || s.state === 'pending') return 'pending';
    if (s.state === 'error') return `error: ${s.error ?? 'unknown'}`;
    const peers = s.report?.peers ?? [];
    const modes = [...new Set(peers.map((p) => p.mode))].sort().join('+') || 'none';
    const ok = peers.filter((p) => p.ok).length;
    return `${modes}, ${ok}/${s.expected} peers${s.report?.rulesOk === false ? ', rules failed' : ''}`;
  }

  /**
   * Brings every healthy host to its plan (the leader), and this manager's own host (every manager: the
   * parts routed back to it); resolves when all ran (or `timeoutMs` passed).
   */
  async syncAll(force = false, timeoutMs = 10_000): Promise<void> {
    if (!this.enabled) return;
    const engines = this.hostInfos();
    const manager = await this.local?.info(engines);
    if (manager) this.opts.local?.hostIp?.(manager.ip);
    const runs: Promise<unknown>[] = [];
    if (manager) {
      const shared = this.opts.managers?.().some((m) => m.host === manager.ip) ?? false;
      runs.push(this.local?.apply(manager, engines, this.mode, this.vni, shared) ?? Promise.resolve());
    }
    if (this.opts.leads?.() ?? true) {
      const hosts = [...engines, ...managerHosts(manager, this.opts.managers?.() ?? [])];
      runs.push(...this.pool.healthy().map((e) => this.sync(e, hosts, force)));
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([Promise.all(runs), deadline]);
    clearTimeout(timer);
  }

  /** Engines (by name) whose paths are not all in place. */
  unreachable(engines: readonly Engine[]): string[] {
    // A host still running its script has not got the newest plan yet, whatever its last run said.
    return engines
      .filter((e) => this.statusOf(e)?.state !== 'ok' || this.hosts.get(e.id)?.running === true)
      .map((e) => e.name);
  }

  private changed(force: boolean): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.syncAll(force), 50);
  }

  private sync(engine: Engine, hosts: HostInfo[], force: boolean): Promise<void> {
    const self = hosts.find((h) => h.name === engine.name);
    if (!self || !engine.id) return Promise.resolve();
    const plan = planFor(
      self,
      hosts,
      this.opts.mode === 'off' ? 'auto' : this.opts.mode,
      this.opts.vni ?? DEFAULT_VNI,
    );
    const script = hostScript(plan);
    let st = this.hosts.get(engine.id);
    if (!st) {
      st = { running: false, again: false, status: { state: 'pending', expected: 0 }, waiters: [] };
      this.hosts.set(engine.id, st);
    }
    const state = st;
    if (!force && state.applied === script && state.status.state === 'ok' && !state.running)
      return Promise.resolve();
    return new Promise<void>((resolve) => {
      state.waiters.push(resolve);
      if (state.running) {
        state.again = true;
        return;
      }
      void this.run(engine, state, script, plan.peers.length);
    });
  }

  private async run(engine: Engine, st: HostState, script: string, expected: number): Promise<void> {
    st.running = true;
    const waiters = st.waiters;
    st.waiters = [];
    try {
      const { code, output } = await runOnHost(engine, script);
      const report = parseReport(output);
      const ok = code === 0 && report.complete && report.rulesOk && report.peers.every((p) => p.ok);
      st.status = { state: ok ? 'ok' : 'partial', report, expected };
      st.applied = ok ? script : undefined;
      if (!ok) log.warn(`Network paths on ${engine.name}: ${output.trim().split('\n').slice(-3).join('; ')}`);
    } catch (err) {
      st.status = { state: 'error', expected, error: (err as Error).message };
      st.applied = undefined;
      log.warn(`Network paths on ${engine.name}: ${(err as Error).message}`);
    } finally {
      st.running = false;
      waiters.forEach((w) => w());
      if (st.again) {
        st.again = false;
        this.changed(false);
      }
    }
  }

  /** Every engine with what it has: healthy ones as they are now, others as they last were. */
  private hostInfos(): HostInfo[] {
    const parts = new Map<Engine, Part[]>();
    for (const net of clusterNetworks(this.pool).values()) {
      for (const [engine, n] of net.parts) {
        const subnet = n.IPAM?.Config?.[0]?.Subnet;
        if (!subnet) continue;
        const bridge = n.Options?.['com.docker.network.bridge.name'] || `br-${n.Id.slice(0, 12)}`;
        const list = parts.get(engine) ?? [];
        list.push({ networkId: net.id, subnet, bridge });
        parts.set(engine, list);
      }
    }
    const present = new Set<string>();
    for (const engine of this.pool.all()) {
      if (!engine.id || !engine.ip || engine.ip.startsWith('127.')) continue;
      present.add(engine.id);
      if (!engine.isHealthy) continue;
      this.known.set(engine.id, {
        name: engine.name,
        ip: engine.ip,
        mac: macOf(engine.id),
        parts: parts.get(engine) ?? [],
      });
    }
    for (const id of [...this.known.keys()]) if (!present.has(id)) this.known.delete(id);
    return [...this.known.values()];
  }
}
