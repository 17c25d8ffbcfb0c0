// `shoal lab`: a local cluster of real Docker Engines, one per network namespace, like kind does for k8s.
import { existsSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeLabCerts } from './certs.js';
import { dockerdPid, isAlive, startDockerd, stopPid, type DockerdOptions } from './dockerd.js';
import { loadImage, pingSocket, waitForEngine } from './engines.js';
import { labImageTar } from './image.js';
import { labLayout, type LabLayout } from './layout.js';
import { createNetwork, deleteNetwork, netnsExists, netnsPids, routeBetweenNodes } from './network.js';
import { run } from './run.js';

export const DEFAULT_LAB_DIR = process.env['SHOAL_LAB_DIR'] ?? '/var/lib/shoal-lab';

export interface LabOptions extends DockerdOptions {
  name?: string;
  nodes?: number;
  baseDir?: string;
  subnetIndex?: number;
  labels?: string[][];
  /** Engines on TLS: dockerd --tlsverify on 2376 with certificates made for the lab (see certs.ts). */
  tls?: boolean;
  /** false: no routes or forwarding rules between the nodes (plain hosts); default true. */
  routes?: boolean;
  log?: (line: string) => void;
}

function stateFile(dir: string): string {
  return join(dir, 'lab.json');
}

export function readLab(name = 'shoal', baseDir = DEFAULT_LAB_DIR): LabLayout | undefined {
  const file = stateFile(join(baseDir, name));
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabLayout;
}

async function checkHost(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the lab needs root (network namespaces and dockerd)');
  for (const tool of ['dockerd', 'nsenter', 'unshare', 'ip', 'iptables', 'tar']) {
    const found = await run('sh', ['-c', `command -v ${tool}`], { allowFail: true });
    if (!found.trim()) {
      throw new Error(
        `${tool} not found: apt-get install -y docker.io busybox-static iproute2 iptables util-linux tar`,
      );
    }
  }
}

export async function labUp(opts: LabOptions = {}): Promise<LabLayout> {
  const say = opts.log ?? (() => undefined);
  const name = opts.name ?? 'shoal';
  const baseDir = opts.baseDir ?? DEFAULT_LAB_DIR;
  await checkHost();
  const existing = readLab(name, baseDir);
  if (existing) {
    const status = await labStatus(existing);
    const same =
      status.length === (opts.nodes ?? existing.nodes.length) &&
      !!existing.tlsDir === !!opts.tls &&
      (existing.routes ?? true) === (opts.routes ?? true);
    if (status.every((s) => s.answering) && same) return existing;
    say(`lab ${name} is partly up; tearing it down first`);
    await labDown(existing);
  }
  const lab = labLayout(
    name,
    baseDir,
    opts.nodes ?? 3,
    opts.subnetIndex ?? 0,
    opts.labels,
    opts.tls,
    opts.routes ?? true,
  );
  await mkdir(lab.dir, { recursive: true });
  await writeFile(stateFile(lab.dir), JSON.stringify(lab, null, 2));
  try {
    const image = labImageTar(join(baseDir, 'cache'));
    await makeLabCerts(lab);
    await createNetwork(lab);
    const launchers = await Promise.all(lab.nodes.map((n) => startDockerd(n, opts)));
    const began = Date.now();
    await Promise.all(
      lab.nodes.map(async (n, i) => {
        await waitForEngine(n.socket, 60_000, () => isAlive(launchers[i] ?? 0));
        say(`  ${n.name} up at ${n.addr} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
      }),
    );
    if (lab.routes) await routeBetweenNodes(lab);
    const tar = await image;
    await Promise.all(lab.nodes.map((n) => loadImage(n.socket, tar)));
    say(
      `lab ${name}: ${lab.nodes.length} engines up: ${lab.nodes.map((n) => `${n.name}=${n.addr}`).join(' ')}`,
    );
    return lab;
  } catch (err) {
    say(`lab ${name} failed to start (${(err as Error).message}); tearing down`);
    await labDown(lab);
    throw err;
  }
}

export interface NodeStatus {
  name: string;
  addr: string;
  pid: number | undefined;
  answering: boolean;
}

export async function labStatus(lab: LabLayout): Promise<NodeStatus[]> {
  return Promise.all(
    lab.nodes.map(async (n) => {
      const pid = dockerdPid(n);
      const alive = pid !== undefined && isAlive(pid);
      return {
        name: n.name,
        addr: n.addr,
        pid: alive ? pid : undefined,
        answering: alive && (await pingSocket(n.socket)),
      };
    }),
  );
}

/** Stops one node's engine (fault injection); `labStartNode` brings it back with the same state. */
export async function labStopNode(lab: LabLayout, index: number): Promise<void> {
  const node = lab.nodes[index];
  const pid = node ? dockerdPid(node) : undefined;
  if (pid !== undefined) await stopPid(pid, 20_000);
}

export async function labStartNode(lab: LabLayout, index: number, opts: DockerdOptions = {}): Promise<void> {
  const node = lab.nodes[index];
  if (!node) throw new Error(`no node ${index} in lab ${lab.name}`);
  const launcher = await startDockerd(node, opts);
  await waitForEngine(node.socket, 60_000, () => isAlive(launcher));
}

function mountsUnder(dir: string): string[] {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const points = lines.map((l) => l.split(' ')[4] ?? '').filter((p) => p === dir || p.startsWith(`${dir}/`));
  return points.sort((a, b) => b.length - a.length);
}

function removeCgroups(lab: LabLayout): void {
  const root = '/sys/fs/cgroup';
  if (!existsSync(root)) return;
  const remove = (path: string) => {
    if (!existsSync(path)) return;
    for (const entry of readdirSync(path, { withFileTypes: true }))
      if (entry.isDirectory()) remove(join(path, entry.name));
    try {
      rmdirSync(path);
    } catch {
      // still in use; left for the next teardown
    }
  };
  for (const controller of readdirSync(root)) {
    for (const node of lab.nodes) remove(join(root, controller, node.netns));
  }
  for (const node of lab.nodes) remove(join(root, node.netns));
}

/** Tears everything down: engines (by pidfile), leftover processes in the lab's namespaces, mounts,
 *  namespaces, cgroups and data. Safe to run twice. */
export async function labDown(lab: LabLayout): Promise<void> {
  await Promise.all(
    lab.nodes.map(async (n) => {
      const pid = dockerdPid(n);
      if (pid !== undefined) await stopPid(pid, 20_000);
    }),
  );
  for (const n of lab.nodes) {
    if (!(await netnsExists(n.netns))) continue;
    for (const pid of await netnsPids(n.netns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const m of mountsUnder(lab.dir)) await run('umount', ['-l', m], { allowFail: true });
  await deleteNetwork(lab);
  removeCgroups(lab);
  await rm(lab.dir, { recursive: true, force: true });
}
