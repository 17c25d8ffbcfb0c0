// Container → container on a cluster network: TCP throughput (the host's iperf3, run in containers through
// the helper image) and round-trip time (busybox ping), from the server's own engine and from another one;
// and how long creating a cluster network takes (it waits for the hosts' paths).
import { HELPER_IMAGE } from '../src/networks/paths/helper.js';
import { docker, ipOf, mustDocker, sleep } from './docker-cli.js';

export const IPERF_SECONDS = 5;
const PINGS = 50;
const SERVER = 'pb-iperf';

export type Where = 'same' | 'cross';
/** Where the clients run: on the server's engine (node-0), and on another engine (node-1). */
const CLIENTS: [Where, string][] = [
  ['same', 'node-0'],
  ['cross', 'node-1'],
];

export interface Traffic {
  gbps: number[];
  /** Every reply's round-trip time but each container's first (ARP on the way). */
  rttMs: number[];
}

/**
 * `docker run` of a host program in a container on `net`: the helper image holds only links into /host,
 * so the host's own binary runs, chrooted; iperf3 needs a writable /tmp of its own.
 */
function hostProgram(node: string, net: string, opts: string[], program: string[]): string[] {
  return [
    'run',
    ...opts,
    '--net',
    net,
    '-v',
    '/:/host:ro',
    '--tmpfs',
    '/host/tmp',
    '-e',
    `constraint:node==${node}`,
    '--entrypoint',
    '/usr/sbin/chroot',
    HELPER_IMAGE,
    '/host',
    ...program,
  ];
}

async function iperf(host: string, net: string, node: string, server: string): Promise<number> {
  const args = hostProgram(
    node,
    net,
    ['--rm'],
    ['/usr/bin/iperf3', '-J', '-c', server, '-t', `${IPERF_SECONDS}`],
  );
  const out = await mustDocker(host, args, (IPERF_SECONDS + 60) * 1000);
  const r = JSON.parse(out) as { end?: { sum_received?: { bits_per_second?: number } }; error?: string };
  const bps = r.end?.sum_received?.bits_per_second;
  if (bps === undefined) throw new Error(`iperf3 from ${node}: ${r.error ?? out.slice(0, 200)}`);
  return bps / 1e9;
}

async function ping(host: string, net: string, node: string, target: string): Promise<number[]> {
  const out = await mustDocker(host, [
    'run',
    '--rm',
    '--net',
    net,
    '-e',
    `constraint:node==${node}`,
    'busybox:local',
    'ping',
    '-c',
    `${PINGS}`,
    '-i',
    '0.02',
    target,
  ]);
  const times = [...out.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
  if (times.length < PINGS / 2) throw new Error(`ping from ${node}: ${out.slice(-300)}`);
  return times.slice(1);
}

/** `runs` rounds, each a ping and an iperf3 run from each client in turn (so drift in load hits both alike). */
export async function measureTraffic(
  host: string,
  net: string,
  runs: number,
): Promise<Record<Where, Traffic>> {
  await docker(host, ['rm', '-f', SERVER]);
  await mustDocker(host, hostProgram('node-0', net, ['-d', '--name', SERVER], ['/usr/bin/iperf3', '-s']));
  try {
    const ip = await ipOf(host, SERVER);
    const out: Record<Where, Traffic> = { same: { gbps: [], rttMs: [] }, cross: { gbps: [], rttMs: [] } };
    for (let i = 0; i < runs; i++) {
      for (const [where, node] of CLIENTS) {
        out[where].rttMs.push(...(await ping(host, net, node, ip)));
        out[where].gbps.push(await iperf(host, net, node, ip));
      }
    }
    return out;
  } finally {
    await docker(host, ['rm', '-f', SERVER]);
  }
}

export interface Creates {
  ms: number[];
  /** Warnings Shoal returned (engines still without paths when the create answered). */
  warnings: string[];
}

/** `POST /networks/create` then remove it, `n` times: the API's time, without the CLI's start-up. */
export async function timeCreates(base: string, n: number): Promise<Creates> {
  const out: Creates = { ms: [], warnings: [] };
  for (let i = 0; i < n; i++) {
    const name = `pb-create-${i}`;
    const t0 = performance.now();
    const r = await fetch(`${base}/networks/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: name, CheckDuplicate: true }),
    });
    const body = (await r.json()) as { Warning?: string; message?: string };
    out.ms.push(performance.now() - t0);
    if (!r.ok) throw new Error(`network create: ${r.status} ${body.message ?? ''}`);
    if (body.Warning) out.warnings.push(body.Warning);
    const rm = await fetch(`${base}/networks/${name}`, { method: 'DELETE' });
    if (!rm.ok) throw new Error(`network rm: ${rm.status} ${await rm.text()}`);
    // The hosts drop the network's paths meanwhile: each create starts from hosts at rest.
    await sleep(1500);
  }
  return out;
}
