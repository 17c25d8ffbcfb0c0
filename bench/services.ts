// `npm run bench -- services`: swarm-mode services through Shoal, side by side with real swarm mode on the
// same engines, in one run: scale 0 → 30 on the 3-engine lab (Shoal, then swarm mode), a rolling update of
// those 30 (both sides), the pure reconcile at 1,000 services × 10 replicas, 0 → 1,000 tasks over 100
// simulated engines, and an engine SIGKILLed under a service. Prints the machine's load average with each
// part: the figures are wall-clock times. SHOAL_BENCH_SERVICES_ONLY=update (a comma list of the PARTS) runs
// only those.
import { loadavg } from 'node:os';
import { benchLab } from './lab.js';
import { runReconcileBench } from './reconcile.js';
import { benchEngineFailure, FAILURE_FLAGS, type FailureRun } from './services-failure.js';
import { benchFarmScale } from './services-farm.js';
import { ms, say, summary, table } from './services-poll.js';
import { benchLabScale, SCALE_REPLICAS, type LabScaleResult } from './services-scale.js';
import {
  benchRollingUpdate,
  UPDATE_CREATE_FLAGS,
  UPDATE_FLAGS,
  UPDATE_REPLICAS,
  type UpdateResult,
  type UpdateRun,
} from './services-update.js';

const PARTS = ['scale', 'update', 'failure', 'reconcile', 'farm'] as const;
type Part = (typeof PARTS)[number];

function partsToRun(): ReadonlySet<Part> {
  const only = process.env['SHOAL_BENCH_SERVICES_ONLY'];
  if (!only) return new Set(PARTS);
  const asked = only.split(',').map((p) => p.trim());
  const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0)
    throw new Error(`SHOAL_BENCH_SERVICES_ONLY: no part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  return new Set(asked as Part[]);
}

const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;
const stats = (xs: number[]) => {
  const s = summary(xs);
  return [ms(s.min), ms(s.p50), ms(s.max)];
};
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function printLabScale({ direct, shoal, swarm, swarmSubnets: subnets }: LabScaleResult): void {
  const s = summary(shoal.runningMs).p50;
  const w = summary(swarm.runningMs).p50;
  table([
    [
      '0 → 30 replicas, 3 engines',
      'runs',
      'min ms',
      'median ms',
      'max ms',
      'CLI returned ms (median)',
      '30 → 0, lab empty ms (median)',
    ],
    ['for reference, no orchestrator: 30 × create+start', String(direct.length), ...stats(direct), '–', '–'],
    ...(
      [
        ['Shoal', shoal],
        ['swarm mode (Docker 20.10)', swarm],
      ] as const
    ).map(([label, r]) => [
      label,
      String(r.runningMs.length),
      ...stats(r.runningMs),
      ms(summary(r.cliMs).p50),
      ms(summary(r.downMs).p50),
    ]),
  ]);
  say(`  each run: ${[...shoal.runningMs, ...swarm.runningMs].map(ms).join(', ')} ms (Shoal's first)`);
  say(
    `  Shoal / swarm mode (medians): ×${(s / w).toFixed(2)}. Goal (Shoal ≤ 3000 ms and faster than swarm mode): ${verdict(s <= 3000 && s < w)}`,
  );
  say(`  swarm mode's networks: ${subnets.join('; ')}`);
}

function printFailure(runs: FailureRun[]): void {
  table([
    [
      'run',
      'victim',
      'tasks before',
      'noticed ms',
      '6 running again ms',
      'engine back → ready ms',
      '→ no old copy running ms',
      'old copies kept (stopped)',
    ],
    ...runs.map((r, i) => [
      String(i + 1),
      r.victim,
      r.spread,
      ms(r.noticedMs),
      ms(r.replacedMs),
      ms(r.readyMs),
      ms(r.staleGoneMs),
      String(r.staleKept),
    ]),
  ]);
  const p = (xs: number[]) => `p50 ${ms(summary(xs).p50)} ms, max ${ms(summary(xs).max)} ms`;
  say(`  kill → 6 running again, none on the victim: ${p(runs.map((r) => r.replacedMs))}`);
  say(
    `  engine back → Shoal has it ready, none of its old copies running: ${p(runs.map((r) => r.staleGoneMs))}`,
  );
  say('  (the old copies die with the restart, no --live-restore; Shoal keeps them stopped as task history)');
}

function printUpdate({ shoal, swarm }: UpdateResult): void {
  const sides = [
    ['Shoal', shoal],
    ['swarm mode (Docker 20.10)', swarm],
  ] as const;
  table([
    [
      `rolling update, ${UPDATE_REPLICAS} replicas`,
      'runs',
      'all new running: min ms',
      'median ms',
      'max ms',
      'completed: min ms',
      'median ms',
      'max ms',
      'CLI returned ms (median)',
    ],
    ...sides.map(([label, r]) => [
      label,
      String(r.length),
      ...stats(r.map((x) => x.runningMs)),
      ...stats(r.map((x) => x.completedMs)),
      ms(summary(r.map((x) => x.cliMs)).p50),
    ]),
  ]);
  const runs = (r: UpdateRun[]) =>
    r
      .map(
        (x) =>
          `→ ${x.image}: updating at ${ms(x.startedMs)}, running ${ms(x.runningMs)}, completed ${ms(x.completedMs)} ms; ` +
          `fewest running ${x.minRunning}, most starting ${x.maxStarting}, most meant to run ${x.maxDesired}, new tasks per node ${x.spread}`,
      )
      .join('\n    ');
  for (const [label, r] of sides) say(`  ${label}:\n    ${runs(r)}`);
  const ratio = (f: (x: UpdateRun) => number) =>
    `×${(summary(shoal.map(f)).p50 / summary(swarm.map(f)).p50).toFixed(2)}`;
  say(
    `  Shoal / swarm mode (medians): all new running ${ratio((x) => x.runningMs)}, completed ${ratio((x) => x.completedMs)}`,
  );
}

export async function runServicesBench(): Promise<void> {
  const t0 = Date.now();
  const parts = partsToRun();
  say(`\n== Services: Shoal beside real swarm mode (${[...parts].join(', ')}) ==`);
  if (parts.has('scale') || parts.has('update') || parts.has('failure')) await runLabParts(parts);
  if (parts.has('reconcile')) runReconcilePart();
  if (parts.has('farm')) await runFarmPart();
  say(`   (${load()}); the services section took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function runLabParts(parts: ReadonlySet<Part>): Promise<void> {
  const lab = await benchLab();
  if (parts.has('scale')) {
    say(`\n-- Scale 0 → ${SCALE_REPLICAS} replicas on the lab's ${lab.nodes.length} engines (${load()})`);
    say('   `docker service scale -d s=30` issued → 30 tasks running (GET /tasks every 50 ms)');
    printLabScale(await benchLabScale(lab));
    say(`   (${load()})`);
  }
  if (parts.has('update')) {
    say(
      `\n-- Rolling update of ${UPDATE_REPLICAS} replicas on the lab's ${lab.nodes.length} engines (${load()})`,
    );
    say(
      `   created with ${UPDATE_CREATE_FLAGS.join(' ')}; \`docker service ${UPDATE_FLAGS.join(' ')} --image <other> s\``,
    );
    say('   issued → all tasks meant to run on the new image and running / UpdateStatus completed');
    say(
      '   (GET /services/s and GET /tasks every 50 ms; the runs alternate busybox:other and busybox:local)',
    );
    printUpdate(await benchRollingUpdate(lab));
    say(`   (${load()})`);
  }
  if (parts.has('failure')) {
    say(`\n-- Engine SIGKILLed under a 6-replica service, through Shoal (${load()})`);
    say(`   Shoal's flags: ${FAILURE_FLAGS.join(' ')}`);
    printFailure(await benchEngineFailure(lab));
    say(`   (${load()})`);
  }
}

function runReconcilePart(): void {
  say(`\n-- Reconcile, pure (${load()})`);
  const rec = runReconcileBench();
  const steady = rec.find((r) => r.scenario === 'steady');
  const over = rec.filter((r) => r.cpuP50Ms > 50).map((r) => r.scenario);
  say(
    `  goal ≤ 50 ms a pass (1,000 × 10, steady): wall p50 ${steady?.p50Ms.toFixed(1)} ms, CPU p50 ${steady?.cpuP50Ms.toFixed(1)} ms: ${verdict((steady?.p50Ms ?? Infinity) <= 50)}; over 50 ms of CPU: ${over.join(', ') || 'none'}`,
  );
}

async function runFarmPart(): Promise<void> {
  say(`\n-- 0 → 1,000 tasks over 100 simulated engines, through Shoal's HTTP API (${load()})`);
  const farm = await benchFarmScale();
  table([
    [
      `run (${farm.engines} engines, ${farm.tasks} tasks)`,
      'all assigned ms',
      'all running ms',
      'Shoal CPU ms',
      'back to 0 ms',
    ],
    ...farm.runs.map((r, i) => [String(i + 1), ms(r.assignedMs), ms(r.runningMs), ms(r.cpuMs), ms(r.downMs)]),
  ]);
  const best = summary(farm.runs.map((r) => r.runningMs));
  say(
    `  all running: min ${ms(best.min)} / median ${ms(best.p50)} / max ${ms(best.max)} ms; goal ≤ 2000 ms (SwarmKit: 1,000 tasks in < 2.5 s): ${verdict(best.p50 <= 2000)}; Shoal RSS ${farm.rssMiB.toFixed(0)} MiB`,
  );
}
