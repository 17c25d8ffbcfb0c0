// The request path, side by side: two Shoal builds (and classic Swarm, when given) in front of one simulated
// farm, measured in alternating rounds so both see the same machine. `ps -a` over every container at one
// connection, and the cached `docker ps` and `/info` at 16 connections.
//   node dist/bench/reqpath.js ENGINES PER_ENGINE ROUNDS SHOAL_DIR… [classic=PATH] [prof=DIR] [engines=A,B,…]
// Each SHOAL_DIR is a checkout holding a built dist/ (e.g. . and a copy of an earlier build). With
// engines=…, those (real) engines instead of a farm; ENGINES × PER_ENGINE is then how many they hold.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startFarmProcess } from './farm-process.js';
import { startFrontend } from './frontends.js';
import { startChild, type Child } from './children.js';
import { load, type LoadResult } from './load.js';
import { benchStoreArgs } from './store.js';

interface Target {
  name: string;
  child: Child;
  origin: string;
}

const say = (l: string) => process.stdout.write(`${l}\n`);
const ms = (us: number) => (us / 1000).toFixed(2);

async function startFarm(engines: number, per: number): Promise<{ child: Child; file: string }> {
  const { farm, file } = await startFarmProcess(engines, per);
  return { child: farm, file };
}

function engineFile(addrs: string): Promise<{ child?: Child; file: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'shoal-reqpath-')), 'engines');
  writeFileSync(file, addrs.split(',').join('\n') + '\n');
  return Promise.resolve({ file });
}

function startShoal(dir: string, file: string, prof: string | undefined): Promise<Child> {
  return startChild(
    join(dir, 'dist/src/cli.js'),
    ['manage', ...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', `file://${file}`],
    (out) => {
      const m = /Listening for HTTP on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      return m ? Number(m[1]) : undefined;
    },
    60_000,
    prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
  );
}

async function waitCached(t: Target, want: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await request(`${t.origin}/v1.40/info`);
      const info = (await res.body.json()) as { Containers?: number };
      if (info.Containers === want) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 600_000) throw new Error(`${t.name} did not cache ${want} containers`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function line(name: string, r: LoadResult): string {
  return `${name.padEnd(14)} p50 ${ms(r.p50).padStart(8)} ms  p90 ${ms(r.p90).padStart(8)} ms  ${r.perSecond.toFixed(0).padStart(6)} req/s (n=${r.count})`;
}

async function round(targets: Target[], big: boolean): Promise<void> {
  const probes: [string, string, number, number][] = big
    ? [['ps -a, 1 conn', '/v1.41/containers/json?all=1', 1, 40]]
    : [
        ['ps, 16 conns', '/v1.41/containers/json', 16, 40_000],
        ['info, 16 conns', '/v1.41/info', 16, 40_000],
        ['_ping, 16 conns', '/_ping', 16, 40_000],
      ];
  for (const [probe, path, concurrency, requests] of probes) {
    say(`  ${probe}:`);
    for (const t of targets) {
      await load({ origin: t.origin }, path, { concurrency, requests: Math.min(requests, 200), maxMs: 1000 });
      const r = await load({ origin: t.origin }, path, { concurrency, requests, maxMs: big ? 10_000 : 4000 });
      say(`    ${line(t.name, r)}`);
    }
  }
}

/** User + system CPU time of a child so far (clock ticks of 10 ms). */
function cpuMs(child: Child | undefined): number {
  if (!child?.proc.pid) return 0;
  const fields = readFileSync(`/proc/${child.proc.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Passthrough: one container's inspect at one connection, the engine itself first. */
async function inspectRound(targets: Target[], engine: string): Promise<void> {
  const res = await request(`http://${engine}/v1.41/containers/json?limit=1`);
  const [first] = (await res.body.json()) as { Id: string }[];
  const path = `/v1.41/containers/${first?.Id ?? ''}/json`;
  say('  inspect, 1 conn:');
  for (const t of [{ name: 'engine', origin: `http://${engine}`, child: undefined }, ...targets]) {
    await load({ origin: t.origin }, path, { concurrency: 1, requests: 300, maxMs: 2000 });
    const cpu0 = cpuMs(t.child);
    const r = await load({ origin: t.origin }, path, { concurrency: 1, requests: 3000, maxMs: 5000 });
    const cpu = t.child ? ` ${(((cpuMs(t.child) - cpu0) / r.count) * 1000).toFixed(0)} µs CPU/req` : '';
    say(`    ${line(t.name, r)}${cpu}`);
  }
}

async function main(): Promise<void> {
  const [engines = '3', per = '30', rounds = '3', ...rest] = process.argv.slice(2);
  const classic = rest.find((a) => a.startsWith('classic='))?.slice('classic='.length);
  const prof = rest.find((a) => a.startsWith('prof='))?.slice('prof='.length);
  const dirs = rest.filter((a) => !a.includes('='));
  const want = Number(engines) * Number(per);
  const real = rest.find((a) => a.startsWith('engines='))?.slice('engines='.length);
  const farm = real ? await engineFile(real) : await startFarm(Number(engines), Number(per));
  const targets: Target[] = [];
  try {
    for (const [i, dir] of dirs.entries()) {
      const child = await startShoal(dir, farm.file, prof);
      const name = `shoal#${i} ${dir.split('/').pop() ?? dir}`;
      targets.push({ name, child, origin: `http://127.0.0.1:${child.port}` });
    }
    if (classic) {
      const child = await startFrontend('classic', `file://${farm.file}`, classic);
      targets.push({ name: 'classic', child, origin: `http://127.0.0.1:${child.port}` });
    }
    for (const t of targets) await waitCached(t, want);
    say(`== ${engines} engines × ${per} containers, all cached ==`);
    for (let r = 0; r < Number(rounds); r++) {
      say(`round ${r + 1}`);
      await round(targets, want > 1000);
      if (real) await inspectRound(targets, real.split(',')[0] ?? '');
    }
  } finally {
    for (const t of targets) await t.child.stop();
    await farm.child?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `reqpath bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
