// DNS: Shoal's server (a child node process) against dnsmasq serving the same 1,000 names × 4 replicas
// from a hosts file, one at a time, both loaded by dnsperf over UDP with the same shuffled query file: a
// saturating run (no rate limit, dnsperf's default of 100 queries in flight) and a run at a fixed rate.
// A last row is no DNS server at all: node:dgram answering fixed bytes, the floor for a Node 20 server on
// node:dgram (Shoal's workers read in batches through native code instead).
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dnsWorkers } from '../src/config/manage.js';
import { startChild } from './children.js';
import { hostsFile, queryFile } from './dns-names.js';
import { dnsperf, dnsperfArgs, type DnsperfResult, type DnsperfTarget } from './dnsperf.js';

const NAMES = 1000;
const REPLICAS = 4;
const CLIENTS = 4;
const SECONDS = Number(process.env['SHOAL_BENCH_DNS_SECONDS'] ?? '15');
const RATE = Number(process.env['SHOAL_BENCH_DNS_RATE'] ?? '10000');
const say = (l: string) => process.stdout.write(`${l}\n`);

interface Server extends DnsperfTarget {
  label: string;
  stop(): Promise<void>;
}

/** A UDP port free on `host` now (dnsmasq wants a number, not 0). */
async function freePort(host: string): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, host, resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

function stopProc(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

async function startDnsmasq(dir: string): Promise<Server> {
  const hosts = join(dir, 'hosts');
  writeFileSync(hosts, hostsFile(NAMES, REPLICAS));
  // The port is probed free over UDP only, and dnsmasq takes it for TCP too: try again if it exits.
  for (let attempt = 1; ; attempt++) {
    try {
      return await dnsmasqOn('127.0.0.2', await freePort('127.0.0.2'), hosts);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function dnsmasqOn(host: string, port: number, hosts: string): Promise<Server> {
  // Only the bench's hosts file (no /etc/hosts, no resolv.conf, no config file): nothing is forwarded.
  const args = ['--conf-file=/dev/null', '--no-resolv', '--no-hosts', `--addn-hosts=${hosts}`];
  args.push(`--port=${port}`, `--listen-address=${host}`, '--bind-interfaces', '--no-daemon');
  args.push('--cache-size=10000', '--local-ttl=2');
  const proc = spawn('dnsmasq', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`${NAMES * REPLICAS} names`)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`dnsmasq exited with ${code}: ${err}`)));
  });
  const label = `dnsmasq ${/version (\S+)/.exec(err)?.[1] ?? ''}`;
  return { label, host, port, source: host, pid: proc.pid ?? 0, stop: () => stopProc(proc) };
}

/** Shoal's DnsServer in its own node process; `SHOAL_BENCH_DNS_PROF=<dir>` profiles it (--cpu-prof). */
async function startShoal(label: string, source: string, mode: string): Promise<Server> {
  const prof = process.env['SHOAL_BENCH_DNS_PROF'];
  const child = await startChild(
    'dist/bench/dns-server-main.js',
    [String(NAMES), String(REPLICAS), '127.0.0.1', mode],
    (out) => Number(/DNS on [\d.]+:(\d+)/.exec(out)?.[1]) || undefined,
    30_000,
    prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
  );
  const pid = child.proc.pid ?? 0;
  return { label, host: '127.0.0.1', port: child.port, source, pid, stop: () => child.stop() };
}

const f = (x: number, d = 2) => x.toFixed(d);
const row = (r: DnsperfResult) =>
  `${Math.round(r.qps).toLocaleString('en-US')} | ${f(r.avgMs)} | ${f(r.p50Ms)} | ${f(r.p99Ms)} | ` +
  `${f(r.p999Ms)} | ${f(r.maxMs)} | ${r.lost} | ${f(r.cpuUs, 1)} | ${f(r.load)}`;

export async function runDnsBench(): Promise<void> {
  const t0 = performance.now();
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  say(`\n## DNS: Shoal vs dnsmasq, ${NAMES} names × ${REPLICAS} replicas (load average at start ${load()})`);
  const dir = mkdtempSync(join(tmpdir(), 'shoal-bench-dns-'));
  const queries = join(dir, 'queries');
  writeFileSync(queries, queryFile(NAMES));
  // Shoal as it starts by default on this machine (--dns-workers auto), and with its own thread answering.
  const workers = `workers=${dnsWorkers('auto')}`;
  const shown = `--dns-workers auto = ${dnsWorkers('auto')}`;
  const starts: (() => Promise<Server>)[] = [
    () => startDnsmasq(dir),
    // 127.0.0.1 is a container on the names' network: the scoped path, as a container asking.
    () => startShoal(`Shoal (${shown}), asker a container (scoped)`, '127.0.0.1', workers),
    // 127.0.0.3 is no container: answered because only one network has the name.
    () => startShoal(`Shoal (${shown}), asker unknown`, '127.0.0.3', workers),
    () => startShoal('Shoal (--dns-workers 2), asker a container (scoped)', '127.0.0.1', 'workers=2'),
    () => startShoal('Shoal (--dns-workers 0), asker a container (scoped)', '127.0.0.1', 'workers=0'),
    // Not Shoal: node:dgram answering fixed bytes, the least a Node 20 server on node:dgram spends a query.
    () => startShoal('Node 20 dgram, fixed answer', '127.0.0.1', 'floor'),
  ];
  const rows: string[] = [];
  const commands: string[] = [];
  try {
    for (const start of starts) {
      // One server at a time (the other stopped), so it shares the 2 cores with dnsperf only.
      const s = await start();
      try {
        await dnsperf(s, dnsperfArgs(s, queries, CLIENTS, 2), join(dir, 'out')); // JIT and caches warm
        for (const rate of [undefined, RATE]) {
          const args = dnsperfArgs(s, queries, CLIENTS, rate ? Math.min(SECONDS, 10) : SECONDS, rate);
          commands.push(`dnsperf ${args.join(' ')}`);
          rows.push(
            `| ${s.label} | ${rate ? `-Q ${rate}` : 'saturated'} | ${row(await dnsperf(s, args, join(dir, 'out')))} |`,
          );
        }
      } finally {
        await s.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  say(
    `\nUDP; latencies in ms (p50/p99/p99.9 from dnsperf -v's per-query times); CPU: the server's µs a query (with its worker processes)`,
  );
  say('| server | run | q/s | avg | p50 | p99 | p99.9 | max | lost | CPU µs/q | load 1 min |');
  say('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) say(r);
  say(`\nCommands (queries: ${NAMES} names, type A, shuffled):\n${commands.map((c) => `- ${c}`).join('\n')}`);
  say(`\nSection took ${((performance.now() - t0) / 1000).toFixed(0)} s; load average at the end ${load()}`);
}
