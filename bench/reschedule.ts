// Rescheduling under real faults, in a loop (issue 14): a `reschedule:on-node-failure` container on node-2
// beside ten busy containers, then the engine is killed, stopped gracefully, cut off, or restarted. Every
// run checks, as Shoal shows it: exactly one running copy once moved, the name resolving to it all along,
// and the stale copy removed from node-2 when it returns. Classic's test flags (retry 1, refresh 1 s).
import { execFile } from 'node:child_process';
import { dockerdPid, isAlive } from '../src/lab/dockerd.js';
import { labStartNode } from '../src/lab/lab.js';
import type { LabLayout } from '../src/lab/layout.js';
import { run } from '../src/lab/run.js';
import { startManager, type Child } from './children.js';
import { benchLab } from './lab.js';
import { benchStoreArgs } from './store.js';

type Fault = 'kill' | 'graceful' | 'partition' | 'restart';
const FAULTS: Fault[] = ['kill', 'graceful', 'partition', 'restart'];
const RUNS = Number(process.env['SHOAL_BENCH_RESCHEDULE_RUNS'] ?? '10');
const NAME = 'sched-mover';
const VICTIM = 2;
const say = (l: string) => process.stdout.write(`${l}\n`);

function docker(host: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('/usr/local/bin/docker', ['-H', host, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`docker ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    ),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What Shoal says about the name: the copy it resolves to, and how many copies it lists as running. */
async function observe(base: string): Promise<{ resolved: string; running: number }> {
  const get = async (path: string) => {
    try {
      const r = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(3000) });
      return r.ok ? await r.json() : undefined;
    } catch {
      return undefined;
    }
  };
  const inspect = (await get(`/containers/${NAME}/json`)) as
    { Id: string; Node: { Name: string }; State: { Running: boolean } } | undefined;
  const list = ((await get(
    `/containers/json?filters=${encodeURIComponent(JSON.stringify({ name: [NAME] }))}`,
  )) ?? []) as unknown[];
  const resolved = inspect
    ? `${inspect.Node.Name} ${inspect.State.Running ? 'running' : 'stopped'} ${inspect.Id}`
    : '';
  return { resolved, running: list.length };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

async function prepare(lab: LabLayout, base: string, shoal: string): Promise<void> {
  const victim = `unix://${lab.nodes[VICTIM]?.socket ?? ''}`;
  for (const node of lab.nodes) {
    const host = `unix://${node.socket}`;
    const ids = (await docker(host, ['ps', '-aq'])).split('\n').filter(Boolean);
    if (ids.length > 0) await docker(host, ['rm', '-f', ...ids]);
  }
  await until('clean', async () => ((await observe(base)).resolved === '' ? true : undefined), 10_000);
  await docker(shoal, [
    'run',
    '-d',
    '--init',
    '--name',
    NAME,
    '-e',
    'reschedule:on-node-failure',
    '-e',
    `constraint:node==~node-${VICTIM}`,
    'busybox:local',
    'sleep',
    '600',
  ]);
  // Ten neighbours; httpd as PID 1 ignores SIGTERM, so a graceful stop takes the engine ~10 s.
  for (let i = 0; i < 10; i++) {
    const cmd = i < 4 ? ['httpd', '-f', '-p', '80'] : ['sleep', '600'];
    await docker(victim, [
      'run',
      '-d',
      ...(i < 4 ? [] : ['--init']),
      '--name',
      `busy${i}`,
      'busybox:local',
      ...cmd,
    ]);
  }
}

async function inject(lab: LabLayout, fault: Fault): Promise<() => Promise<void>> {
  const node = lab.nodes[VICTIM];
  if (!node) throw new Error('no victim node');
  const pid = dockerdPid(node) ?? 0;
  switch (fault) {
    case 'kill':
    case 'graceful':
    case 'restart':
      // restart: started again as soon as it is down; kill and graceful: it stays away 3 s more.
      process.kill(pid, fault === 'kill' ? 'SIGKILL' : 'SIGTERM');
      return async () => {
        while (isAlive(pid)) await sleep(100);
        if (fault !== 'restart') await sleep(3000);
        await labStartNode(lab, VICTIM);
      };
    case 'partition':
      await run('ip', ['-n', node.netns, 'link', 'set', 'eth0', 'down']);
      return async () => {
        await sleep(3000);
        await run('ip', ['-n', node.netns, 'link', 'set', 'eth0', 'up']);
      };
  }
}

interface RunResult {
  movedMs: number;
  /** Observations after the move where the name did not resolve to the moved copy. */
  wrongName: number;
  /** Longest stretch after the move with other than exactly one running copy listed. */
  notOneMs: number;
  staleGoneMs: number;
}

async function once(lab: LabLayout, base: string, shoal: string, fault: Fault): Promise<RunResult> {
  await prepare(lab, base, shoal);
  const before = await until(
    'placed',
    async () => {
      const o = await observe(base);
      return o.resolved.startsWith(`node-${VICTIM} running`) ? o.resolved : undefined;
    },
    10_000,
  );
  const t0 = Date.now();
  const recover = await inject(lab, fault);
  // From the fault on: stretches without exactly one running copy; after the move, the name's every answer.
  let moved = '';
  let wrongName = 0;
  let notOneSince: number | undefined;
  let notOneMs = 0;
  const watch = async () => {
    const o = await observe(base);
    if (!moved && /^node-[01] running /.test(o.resolved)) moved = o.resolved;
    else if (moved && o.resolved !== moved) wrongName++;
    if (o.running !== 1) notOneSince ??= Date.now();
    else if (notOneSince !== undefined) {
      notOneMs = Math.max(notOneMs, Date.now() - notOneSince);
      notOneSince = undefined;
    }
  };
  await until(
    'moved',
    async () => {
      await watch();
      return moved ? true : undefined;
    },
    60_000,
  );
  const movedMs = Date.now() - t0;
  let recovered = false;
  const recovering = recover().then(() => (recovered = true));
  while (!recovered) await watch();
  await recovering;
  const back = Date.now();
  const victim = `unix://${lab.nodes[VICTIM]?.socket ?? ''}`;
  const oldId = before.split(' ')[2] ?? '';
  await until(
    'stale copy removed',
    async () => {
      await watch();
      const ids = await docker(victim, ['ps', '-aq', '--no-trunc']).catch(() => '');
      return ids !== '' && !ids.includes(oldId) ? true : undefined;
    },
    60_000,
  );
  const staleGoneMs = Date.now() - back;
  for (let i = 0; i < 10; i++) await watch();
  if (notOneSince !== undefined) notOneMs = Math.max(notOneMs, Date.now() - notOneSince);
  return { movedMs, wrongName, notOneMs, staleGoneMs };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0] ?? 0} / median ${s[Math.floor(s.length / 2)] ?? 0} / max ${s[s.length - 1] ?? 0} ms`;
};

export async function runRescheduleBench(): Promise<void> {
  const lab = await benchLab();
  say(`\n## Rescheduling under faults (${RUNS} runs each, node-${VICTIM} with ten busy neighbours)`);
  let shoal: Child | undefined;
  try {
    shoal = await startManager([
      ...benchStoreArgs(),
      '-H',
      'tcp://127.0.0.1:0',
      '--engine-failure-retry',
      '1',
      '--engine-refresh-min-interval',
      '1s',
      '--engine-refresh-max-interval',
      '1s',
      '--heartbeat',
      '1s',
      lab.nodes.map((n) => n.addr).join(','),
    ]);
    const base = `http://127.0.0.1:${shoal.port}`;
    const host = `tcp://127.0.0.1:${shoal.port}`;
    await until(
      'engines healthy',
      async () => {
        const r = (await (await fetch(`${base}/info`)).json()) as { SystemStatus?: [string, string][] };
        const healthy = (r.SystemStatus ?? []).filter(([, v]) => v === 'Healthy').length;
        return healthy === lab.nodes.length ? true : undefined;
      },
      30_000,
    );
    for (const fault of FAULTS) {
      const results: RunResult[] = [];
      for (let i = 0; i < RUNS; i++) results.push(await once(lab, base, host, fault));
      const ok = results.filter((r) => r.wrongName === 0 && r.notOneMs <= 2000).length;
      say(
        `- ${fault}: ${ok}/${RUNS} runs clean (name always the live copy, one running copy within 2 s); ` +
          `moved ${stats(results.map((r) => r.movedMs))} after the fault; ` +
          `wrong name seen ${results.reduce((n, r) => n + r.wrongName, 0)} times; ` +
          `longest stretch without exactly one running copy ${Math.max(...results.map((r) => r.notOneMs))} ms; ` +
          `stale copy removed ${stats(results.map((r) => r.staleGoneMs))} after the engine returned`,
      );
    }
  } finally {
    await shoal?.stop();
  }
}
