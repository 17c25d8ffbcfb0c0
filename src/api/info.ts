// GET /info: cluster counters, and classic Swarm's per-node lines in SystemStatus (tools parse them).
import { arch, hostname, release } from 'node:os';
import { bytesSize } from '../docker/human.js';
import type { Engine } from '../engine/engine.js';
import { STATE_TEXT } from '../engine/health.js';
import { withOvercommit } from '../scheduler/resources.js';
import type { NodeSnapshot } from '../scheduler/types.js';
import { SERVER_VERSION } from '../version.js';
import type { ApiDeps } from './deps.js';

type Pair = [string, string];

const collator = new Intl.Collator(undefined, { numeric: true });

function counts(e: Engine): { total: number; running: number; paused: number; stopped: number } {
  const c = e.containers.counts;
  return { total: e.containers.size, running: c.running, paused: c.paused, stopped: c.stopped };
}

function nodeLines(deps: ApiDeps, e: Engine, snap: NodeSnapshot | undefined): Pair[] {
  const c = counts(e);
  const cpus = e.specs?.cpus ?? 0;
  const memory = e.specs?.memory ?? 0;
  const labels = Object.entries(e.specs?.labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(', ');
  const lines: Pair[] = [
    [` ${e.name || '(unknown)'}`, e.addr],
    ['  └ ID', e.id],
    ['  └ Status', STATE_TEXT[e.state]],
    [
      '  └ Containers',
      e.state === 'healthy'
        ? `${c.total} (${c.running} Running, ${c.paused} Paused, ${c.stopped} Stopped)`
        : String(c.total),
    ],
    [
      '  └ Reserved CPUs',
      `${formatCpus(snap?.usedCpus ?? 0)} / ${withOvercommit(cpus, deps.placer.settings.overcommit)}`,
    ],
    [
      '  └ Reserved Memory',
      `${bytesSize(snap?.usedMemory ?? 0)} / ${bytesSize(withOvercommit(memory, deps.placer.settings.overcommit))}`,
    ],
    ['  └ Labels', labels],
  ];
  if (e.health.lastError) lines.push(['  └ Error', e.health.lastError]);
  const paths = deps.paths?.infoLine(e);
  if (paths) lines.push(['  └ Network', paths]);
  lines.push(['  └ UpdatedAt', e.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')]);
  lines.push(['  └ ServerVersion', e.specs?.serverVersion ?? '']);
  return lines;
}

function formatCpus(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '');
}

export function systemStatus(deps: ApiDeps): Pair[] {
  const role = deps.role();
  const status: Pair[] = [['Role', role.role]];
  if (role.role === 'replica') status.push(['Primary', role.primary]);
  status.push(['Strategy', deps.strategyName]);
  status.push(['Filters', deps.filterNames.join(', ')]);
  status.push(...(deps.statusLines?.() ?? []));
  const engines = deps.pool.all().sort((a, b) => collator.compare(a.name || a.addr, b.name || b.addr));
  const snaps = new Map(deps.pool.snapshot().map((s) => [s.addr, s]));
  status.push(['Nodes', String(engines.length)]);
  for (const e of engines) status.push(...nodeLines(deps, e, snaps.get(e.addr)));
  return status;
}

export function buildInfo(deps: ApiDeps): Record<string, unknown> {
  let containers = 0;
  let running = 0;
  let paused = 0;
  let stopped = 0;
  let images = 0;
  let ncpu = 0;
  let mem = 0;
  for (const e of deps.pool.validated()) {
    const c = counts(e);
    containers += c.total;
    running += c.running;
    paused += c.paused;
    stopped += c.stopped;
    images += e.lists.imageCount;
    ncpu += withOvercommit(e.specs?.cpus ?? 0, deps.placer.settings.overcommit);
    mem += withOvercommit(e.specs?.memory ?? 0, deps.placer.settings.overcommit);
  }
  return {
    ID: '',
    Containers: containers,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: stopped,
    Images: images,
    Driver: '',
    DriverStatus: null,
    SystemStatus: systemStatus(deps),
    Plugins: { Volume: null, Network: null, Authorization: null, Log: null },
    MemoryLimit: true,
    SwapLimit: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: true,
    Debug: false,
    NFd: 0,
    OomKillDisable: true,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: '',
    NEventsListener: deps.hub.listeners,
    KernelVersion: release(),
    OperatingSystem: 'linux',
    OSType: 'linux',
    Architecture: arch() === 'x64' ? 'x86_64' : arch(),
    NCPU: ncpu,
    MemTotal: mem,
    Name: hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: SERVER_VERSION,
    HttpProxy: process.env['HTTP_PROXY'] ?? '',
    HttpsProxy: process.env['HTTPS_PROXY'] ?? '',
    NoProxy: process.env['NO_PROXY'] ?? '',
    Swarm: deps.nodes.info(),
  };
}
