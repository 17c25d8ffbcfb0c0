// (b) End to end at scale, classic Swarm 1.2.9 beside Shoal: each in front of its own fresh simulated farm
// of 1,000 engines holding 30,000 containers (another process, identical for both, so one's creates never
// change the other's input), measured by the same code: time to healthy, memory, create+start, creates with
// 32 clients, /containers/json and /info latency.
import { FRONTENDS, type FrontendName } from './frontends.js';
import { loadAverage, printTable, type Line } from './side-by-side.js';
import { measureFarm, type FarmFigures } from './scale-frontend.js';

const ENGINES = Number(process.env['BENCH_ENGINES'] ?? 1000);
const PER_ENGINE = 30;

const ms = (us: number | undefined) => (us === undefined ? undefined : us / 1000);
const MiB = (kib: number | undefined) => (kib === undefined || kib === 0 ? undefined : kib / 1024);

function lines(c: FarmFigures, s: FarmFigures): Line[] {
  const pair = (f: (x: FarmFigures) => number | undefined) => ({ classic: f(c), shoal: f(s) });
  const shoalRest = MiB(s.restKiB);
  const createRatio = c.seq && s.seq ? `classic/Shoal = ${(c.seq.p50 / s.seq.p50).toFixed(1)}×` : undefined;
  const parNote = (x: FarmFigures, who: string) =>
    x.par?.stoppedBy ? `${who} stopped after ${x.par.count} creates: ${x.par.stoppedBy}` : undefined;
  return [
    {
      what: 'start → all engines healthy, all containers in /info',
      unit: 's',
      ...pair((x) => x.healthyS),
      goal: { kind: 'lower' },
    },
    { what: 'RSS at rest (2 s after healthy)', unit: 'MiB', ...pair((x) => MiB(x.restKiB)) },
    {
      what: 'peak RSS, VmHWM (whole life)',
      unit: 'MiB',
      ...pair((x) => MiB(x.hwmKiB)),
      goal: { kind: 'lower' },
    },
    {
      what: 'peak RSS sampled every 100 ms under load',
      unit: 'MiB',
      ...pair((x) => MiB(x.peakRssKiB)),
      goal: { kind: 'lower' },
    },
    {
      what: 'RSS 10 s after the last request',
      unit: 'MiB',
      ...pair((x) => MiB(x.afterKiB)),
      ...(shoalRest
        ? { goal: { kind: 'atMost', value: Math.round(shoalRest * 1.25) }, note: '1.25 × Shoal at rest' }
        : {}),
    },
    {
      what: 'create+start sequential p50',
      unit: 'ms',
      ...pair((x) => ms(x.seq?.p50)),
      goal: { kind: 'fasterBy', times: 15 },
      note: createRatio,
    },
    { what: 'create+start sequential p99', unit: 'ms', ...pair((x) => ms(x.seq?.p99)) },
    {
      what: 'creates, 32 clients',
      unit: '/s',
      ...pair((x) => x.par?.perSecond),
      goal: { kind: 'higher' },
      note: [parNote(c, 'classic'), parNote(s, 'Shoal')].filter(Boolean).join('; ') || undefined,
    },
    {
      what: 'GET /containers/json?all=1 p50',
      unit: 'ms',
      ...pair((x) => ms(x.psAll?.p50)),
      goal: { kind: 'lower' },
    },
    {
      what: 'GET /containers/json?all=1 p99',
      unit: 'ms',
      ...pair((x) => ms(x.psAll?.p99)),
      goal: { kind: 'lower' },
    },
    {
      what: 'GET /containers/json?all=1 answer',
      unit: 'MB',
      ...pair((x) => (x.psAll ? x.psAll.bytes / 1e6 : undefined)),
    },
    {
      what: 'GET /containers/json filtered (label+name) p50',
      unit: 'ms',
      ...pair((x) => ms(x.psFiltered?.p50)),
    },
    { what: 'GET /info p50, 1 connection', unit: 'ms', ...pair((x) => ms(x.info?.p50)) },
  ];
}

export async function runScaleBench(): Promise<void> {
  const say = (l: string) => process.stdout.write(`${l}\n`);
  const total = ENGINES * PER_ENGINE;
  say(`\n== (b) Classic Swarm 1.2.9 vs Shoal: ${ENGINES} simulated engines, ${total} containers ==`);
  say(
    '  each frontend on its own fresh farm process (identical), classic first; the same code measures both',
  );
  const figures = new Map<FrontendName, FarmFigures>();
  for (const name of FRONTENDS) {
    say(`  ${name}: measuring (load average ${loadAverage()})`);
    const f = await measureFarm(name, ENGINES, PER_ENGINE);
    figures.set(name, f);
    if (f.failure) say(`  ${name}: ${f.failure}`);
    const sample = [
      f.seq && `${f.seq.count} create+start`,
      f.par && `${f.par.count} creates`,
      f.psAll && `${f.psAll.count} ps`,
    ];
    say(
      `  ${name}: done (${sample.filter(Boolean).join(', ') || 'nothing measured'}; load average ${loadAverage()})`,
    );
  }
  printTable(
    `Classic vs Shoal, ${ENGINES} engines × ${PER_ENGINE} containers`,
    lines(figures.get('classic') ?? {}, figures.get('Shoal') ?? {}),
    new Map([...figures].map(([name, f]) => [name, f.failure ?? f.par?.stoppedBy])),
    say,
  );
}
