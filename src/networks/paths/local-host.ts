// This manager's own host as a peer of the engines' hosts, when it serves something containers must reach
// with their real addresses (the embedded DNS): every engine's host routes those addresses here, and this
// host routes every part of the cluster networks back. Done with the local `ip` when Shoal runs as root,
// by every manager for its own host, touching only the routes it made (another manager may share the host).
import { execFile } from 'node:child_process';
import { log } from '../../log.js';
import { macOf } from './host-paths-id.js';
import { resolverParts } from './managers.js';
import { planFor, type HostInfo, type PathMode } from './plan.js';
import { hostScript, parseReport } from './script.js';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { timeout: 30_000 }, (err, out, stderr) =>
      err ? reject(new Error(stderr.trim() || err.message)) : resolve(out),
    ),
  );
}

export class LocalHost {
  private ip: string | undefined;
  /** The routes the last run left in place: the ones a later run may take away. */
  private made: string[] = [];

  constructor(private readonly addresses: readonly string[]) {}

  /** This host's address toward the engines, once found. */
  get hostIp(): string | undefined {
    return this.ip;
  }

  /** This host as the engines see it: the source address toward them, holding the addresses. */
  async info(engines: readonly HostInfo[]): Promise<HostInfo | undefined> {
    if (process.getuid?.() !== 0 || this.addresses.length === 0) return undefined;
    const first = engines.find((e) => e.ip !== '');
    if (!first) return undefined;
    if (!this.ip) {
      const out = await run('ip', ['route', 'get', first.ip]).catch(() => '');
      this.ip = /\bsrc (\S+)/.exec(out)?.[1];
    }
    if (!this.ip) return undefined;
    return {
      name: 'manager',
      ip: this.ip,
      mac: macOf(`manager:${this.ip}`),
      parts: resolverParts(this.addresses),
    };
  }

  /**
   * Routes every engine's parts here (no firewall chains: this host forwards nothing). `shared`: another
   * manager routes on this host too, so only the routes this one made may go; else every route of Shoal's
   * protocol the plan lacks goes (what an earlier run of this manager left, say).
   */
  async apply(
    self: HostInfo,
    all: readonly HostInfo[],
    mode: PathMode,
    vni: number,
    shared = false,
  ): Promise<boolean> {
    const plan = planFor(self, all, mode, vni);
    const want = plan.peers.flatMap((p) => p.subnets);
    const script = hostScript(plan, { firewall: false, ...(shared ? { owned: this.made } : {}) });
    this.made = [...new Set([...this.made, ...want])];
    try {
      const report = parseReport(await run('sh', ['-c', script]));
      this.made = want;
      return report.complete && report.peers.every((p) => p.ok);
    } catch (err) {
      log.warn(`Network paths on this manager's host: ${(err as Error).message}`);
      return false;
    }
  }

  /** Removes every route it made (and the tunnel device when no route uses it). */
  async clear(vni: number): Promise<void> {
    if (this.made.length === 0 || !this.ip) return;
    const self: HostInfo = { name: 'manager', ip: this.ip, mac: macOf('x'), parts: [] };
    const script = hostScript(planFor(self, [], 'auto', vni), { firewall: false, owned: this.made });
    this.made = [];
    await run('sh', ['-c', script]).catch(() => '');
  }
}
