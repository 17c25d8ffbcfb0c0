// `npm run bench -- services`: swarm-mode services through Shoal, side by side with real swarm mode on the
// same engines, in one run: scale 0 → 30 on the 3-engine lab (Shoal, then swarm mode), the pure reconcile
// at 1,000 services × 10 replicas, 0 → 1,000 tasks over 100 simulated engines, and an engine SIGKILLed under
// a service. Prints the machine's load average with each part: the figures are wall-clock times.
import { loadavg } from 'node:os';
import { benchLab } from './lab.js';
import { runReconcileBench } from './reconcile.js';
import { benchEngineFailure, FAILURE_FLAGS, type FailureRun } from './services-failure.js';
import { benchFarmScale } from './services-farm.js';
import { ms, say, summary, table } from './services-poll.js';
import { benchLabScale, SCALE_REPLICAS, type LabScaleResult } from './services-scale.js';

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

export async function runServicesBench(): Promise<void> {
  const t0 = Date.now();
  say('\n== Services: Shoal beside real swarm mode ==');
  const lab = await benchLab();
  say(`\n-- Scale 0 → ${SCALE_REPLICAS} replicas on the lab's ${lab.nodes.length} engines (${load()})`);
  say('   `docker service scale -d s=30` issued → 30 tasks running (GET /tasks every 50 ms)');
  const scale = await benchLabScale(lab);
  printLabScale(scale);
  say(`   (${load()})`);

  say(`\n-- Engine SIGKILLed under a 6-replica service, through Shoal (${load()})`);
  say(`   Shoal's flags: ${FAILURE_FLAGS.join(' ')}`);
  printFailure(await benchEngineFailure(lab));
  say(`   (${load()})`);

  say(`\n-- Reconcile, pure (${load()})`);
  const rec = runReconcileBench();
  const steady = rec.find((r) => r.scenario === 'steady');
  const over = rec.filter((r) => r.cpuP50Ms > 50).map((r) => r.scenario);
  say(
    `  goal ≤ 50 ms a pass (1,000 × 10, steady): wall p50 ${steady?.p50Ms.toFixed(1)} ms, CPU p50 ${steady?.cpuP50Ms.toFixed(1)} ms: ${verdict((steady?.p50Ms ?? Infinity) <= 50)}; over 50 ms of CPU: ${over.join(', ') || 'none'}`,
  );

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
  say(`   (${load()}); the services section took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
