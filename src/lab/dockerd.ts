// One dockerd per lab node: started in the node's namespaces, stopped by pidfile, never by name.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabNode } from './layout.js';

export interface DockerdOptions {
  /** Extra dockerd flags (e.g. --insecure-registry for a lab registry). */
  extraArgs?: string[];
}

export function dockerdArgs(node: LabNode, opts: DockerdOptions = {}): string[] {
  // A TLS node listens on 2376 only, and wants a client certificate signed by the lab's CA.
  const tcp = node.tls
    ? ['--tlsverify', '--tlscacert', node.tls.ca, '--tlscert', node.tls.cert, '--tlskey', node.tls.key]
    : ['--tls=false'];
  return [
    '--host',
    `unix://${node.socket}`,
    '--host',
    `tcp://${node.addr}`,
    ...tcp,
    '--data-root',
    join(node.dir, 'data'),
    '--exec-root',
    join(node.dir, 'exec'),
    '--pidfile',
    node.pidfile,
    '--config-file',
    join(node.dir, 'daemon.json'),
    '--exec-opt',
    'native.cgroupdriver=cgroupfs',
    '--cgroup-parent',
    `/${node.netns}`,
    '--shutdown-timeout',
    '3',
    '--dns',
    '127.0.0.1',
    '--bip',
    node.bip,
    '--default-address-pool',
    `base=${node.addressPool},size=24`,
    ...node.labels.flatMap((l) => ['--label', l]),
    // The lab's registry (shoal lab, tests) runs on the host side of the lab network, over plain HTTP.
    '--insecure-registry',
    `${node.ip.replace(/\.\d+$/, '.1')}:5000`,
    ...(opts.extraArgs ?? []),
  ];
}

/** Starts dockerd detached; returns its launcher pid (the shell execs into dockerd). */
export async function startDockerd(node: LabNode, opts: DockerdOptions = {}): Promise<number> {
  await mkdir(node.dir, { recursive: true });
  // A key path per engine: otherwise every engine on the machine reports the same engine ID.
  await writeFile(
    join(node.dir, 'daemon.json'),
    JSON.stringify({ 'deprecated-key-path': join(node.dir, 'key.json') }),
  );
  const log = openSync(join(node.dir, 'dockerd.log'), 'a');
  const quoted = dockerdArgs(node, opts)
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  // nsenter + unshare, not `ip netns exec`: the latter remounts /sys and dockerd then finds no cgroups.
  const child = spawn(
    'nsenter',
    [
      `--net=/run/netns/${node.netns}`,
      '--',
      'unshare',
      '--uts',
      '--',
      'sh',
      '-c',
      `hostname ${node.name} && exec dockerd ${quoted}`,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  return child.pid ?? 0;
}

export function dockerdPid(node: LabNode): number | undefined {
  if (!existsSync(node.pidfile)) return undefined;
  const pid = Number(readFileSync(node.pidfile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function stopPid(pid: number, timeoutMs: number): Promise<boolean> {
  if (!isAlive(pid)) return true;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return true;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  return false;
}
