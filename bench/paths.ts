// `npm run bench -- paths`: the cross-engine paths Shoal keeps on plain hosts (its own `--no-routes` lab of 4
// engines, 3 of them in a discovery file at first): container → container TCP throughput and round-trip
// time across engines vs on one engine, with direct routes and with VXLAN (a Shoal for each); how soon an
// engine that joins is reachable; and what waiting for the hosts adds to a network create (vs paths off).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { labDown, labUp, readLab } from '../src/lab/lab.js';
import type { LabLayout } from '../src/lab/layout.js';
import { inNetns } from '../src/lab/run.js';
import { startManager } from './children.js';
import { mustDocker, until } from './docker-cli.js';
import { measureJoins, type JoinRun } from './paths-join.js';
import {
  IPERF_SECONDS,
  measureTraffic,
  timeCreates,
  type Creates,
  type Traffic,
  type Where,
} from './paths-traffic.js';
import { benchStoreArgs } from './store.js';

const LAB = 'bpaths';
/** 198.18.8.0/24: the other labs use 1 (e2e), 2 (bench), 5 (tls e2e) and 7 (paths e2e). */
const SUBNET = 8;
const POOL = '198.18.160.0/19';
const NET = 'pb-net';
const RUNS = Number(process.env['SHOAL_BENCH_PATHS_RUNS'] ?? '3');
const JOINS = Number(process.env['SHOAL_BENCH_PATHS_JOINS'] ?? '5');
const CREATES = 5;
const say = (l: string) => process.stdout.write(`${l}\n`);

type Mode = 'direct' | 'vxlan' | 'off';

interface ModeResult {
  mode: Mode;
  creates: Creates;
  traffic?: Record<Where, Traffic>;
  joins?: JoinRun[];
  /** node-0's tunnel device and uplink MTUs (VXLAN only). */
  mtu?: string;
  /** From removing the last cluster network to node-0..2 holding nothing of Shoal's. */
  cleanMs?: number;
}

/** Nothing of Shoal's left on node-0..2 (node-3 has left the cluster: Shoal no longer touches it). */
async function hostsClean(lab: LabLayout): Promise<true | undefined> {
  for (const node of lab.nodes.slice(0, 3)) {
    const routes = await inNetns(node.netns, 'ip', ['route', 'show', 'proto', '233']);
    const links = await inNetns(node.netns, 'ip', ['-br', 'link']);
    const rules = await inNetns(node.netns, 'iptables-save', []);
    if (routes.trim() !== '' || links.includes('shoal.vx') || rules.includes('SHOAL')) return undefined;
  }
  return true;
}

async function mtuLine(lab: LabLayout): Promise<string> {
  const ns = lab.nodes[0]?.netns ?? '';
  const mtu = async (dev: string) =>
    /mtu (\d+)/.exec(await inNetns(ns, 'ip', ['-o', 'link', 'show', dev], { allowFail: true }))?.[1] ?? '?';
  return `node-0: shoal.vx mtu ${await mtu('shoal.vx')}, its uplink eth0 mtu ${await mtu('eth0')}`;
}

async function runMode(lab: LabLayout, file: string, mode: Mode): Promise<ModeResult> {
  const paths = ['--network-pool', POOL, '--network-paths', mode];
  const store = benchStoreArgs();
  const args = [...store, '-H', 'tcp://127.0.0.1:0', '--heartbeat', '1s', ...paths];
  const shoal = await startManager([...args, `file://${file}`], 3);
  const base = `http://127.0.0.1:${shoal.port}`;
  const host = `tcp://127.0.0.1:${shoal.port}`;
  try {
    const creates = await timeCreates(base, CREATES);
    if (mode === 'off') return { mode, creates };
    await mustDocker(host, ['network', 'create', NET]);
    const traffic = await measureTraffic(host, NET, RUNS);
    const mtu = mode === 'vxlan' ? await mtuLine(lab) : undefined;
    const joins = await measureJoins({ lab, file, base, host, net: NET, runs: JOINS });
    await mustDocker(host, ['network', 'rm', NET]);
    const t0 = performance.now();
    await until('hosts clean', () => hostsClean(lab), 20_000, 100);
    return { mode, creates, traffic, joins, mtu, cleanMs: performance.now() - t0 };
  } finally {
    await shoal.stop();
    rmSync(dirname(new URL(store[1] ?? '').pathname), { recursive: true, force: true });
  }
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** Nearest-rank percentile. */
const pct = (xs: number[], p: number) => sorted(xs)[Math.max(0, Math.ceil(p * xs.length) - 1)] ?? NaN;
const ms = (x: number) => Math.round(x).toLocaleString('en-US');
const mmm = (xs: number[]) => `${ms(pct(xs, 0))} / ${ms(pct(xs, 0.5))} / ${ms(pct(xs, 1))} ms`;
const gbit = (xs: number[]) =>
  `${pct(xs, 0.5).toFixed(2)} (${pct(xs, 0).toFixed(2)}–${pct(xs, 1).toFixed(2)})`;
const rtt = (xs: number[]) => `${pct(xs, 0.5).toFixed(3)} / ${pct(xs, 0.99).toFixed(3)}`;

function printResults(results: ModeResult[]): void {
  say(
    `\n### Container → container on a cluster network (median of ${RUNS} × ${IPERF_SECONDS} s iperf3; RTT over all pings)`,
  );
  say(
    '| paths | TCP Gbit/s, same engine | across engines | ratio | RTT p50 / p99 ms, same engine | across | ratio p50 / p99 |',
  );
  say('| --- | --- | --- | --- | --- | --- | --- |');
  for (const { mode, traffic: t } of results) {
    if (!t) continue;
    const [sg, cg] = [pct(t.same.gbps, 0.5), pct(t.cross.gbps, 0.5)];
    const r50 = pct(t.cross.rttMs, 0.5) / pct(t.same.rttMs, 0.5);
    const r99 = pct(t.cross.rttMs, 0.99) / pct(t.same.rttMs, 0.99);
    say(
      `| ${mode} | ${gbit(t.same.gbps)} | ${gbit(t.cross.gbps)} | ×${(cg / sg).toFixed(2)} | ` +
        `${rtt(t.same.rttMs)} | ${rtt(t.cross.rttMs)} | ×${r50.toFixed(2)} / ×${r99.toFixed(2)} |`,
    );
  }
  say(`\n### Engine joined (appended to the file, --heartbeat 1s) → … (${JOINS} joins, min / median / max)`);
  say(
    '| paths | Shoal shows it healthy | node-0 routes to it | container on it started | its HTTP request answered from node-0 | answered within 2 s |',
  );
  say('| --- | --- | --- | --- | --- | --- |');
  for (const { mode, joins: j } of results) {
    if (!j) continue;
    const reach = j.map((r) => r.reachableMs);
    say(
      `| ${mode} | ${mmm(j.map((r) => r.healthyMs))} | ${mmm(j.map((r) => r.pathMs))} | ` +
        `${mmm(j.map((r) => r.startedMs))} | ${mmm(reach)} | ${reach.filter((x) => x <= 2000).length}/${j.length} |`,
    );
  }
  for (const { mode, joins: j } of results) {
    if (j)
      say(
        `- ${mode}, every join in order (healthy → answered, ms): ${j.map((r) => `${ms(r.healthyMs)}→${ms(r.reachableMs)}`).join(', ')}`,
      );
  }
  say(`\n### POST /networks/create through Shoal (3 engines; ${CREATES} creates, each removed after)`);
  say('| paths | first | the others: min / median / max | warnings |');
  say('| --- | --- | --- | --- |');
  for (const { mode, creates: c } of results) {
    say(
      `| ${mode} | ${ms(c.ms[0] ?? NaN)} ms | ${mmm(c.ms.slice(1))} | ${c.warnings.length ? c.warnings.join('; ') : 'none'} |`,
    );
  }
  for (const r of results) {
    if (r.mtu) say(`- ${r.mode}: ${r.mtu}`);
    if (r.cleanMs !== undefined)
      say(`- ${r.mode}: node-0..2 clean ${ms(r.cleanMs)} ms after the last network was removed`);
  }
}

export async function runPathsBench(): Promise<void> {
  const t0 = performance.now();
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  say(`\n## Cross-engine paths (own lab of 4 plain engines; load average at start ${load()})`);
  const stale = readLab(LAB);
  if (stale) await labDown(stale);
  const lab = await labUp({ name: LAB, nodes: 4, subnetIndex: SUBNET, routes: false, log: say });
  const dir = mkdtempSync(join(tmpdir(), 'shoal-bench-paths-'));
  const file = join(dir, 'engines');
  const results: ModeResult[] = [];
  try {
    for (const mode of ['direct', 'vxlan', 'off'] as const) {
      writeFileSync(
        file,
        lab.nodes
          .slice(0, 3)
          .map((n) => `${n.addr}\n`)
          .join(''),
      );
      results.push(await runMode(lab, file, mode));
    }
    printResults(results);
  } finally {
    await labDown(lab);
    rmSync(dir, { recursive: true, force: true });
  }
  say(`\nSection took ${((performance.now() - t0) / 1000).toFixed(0)} s; load average at the end ${load()}`);
}
