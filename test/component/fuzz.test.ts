// Fuzz: 10,000 generated bad requests through Shoal's HTTP front, in front of three fake engines. Each
// answer must be what an engine answers (a 4xx with a JSON message where it refuses), /_ping must answer
// after every batch, and nothing may appear on an engine but what a 2xx create made. Seeded: FUZZ_SEED
// replays a run.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setLogSink } from '../../src/log.js';
import { fakeCluster, type FakeCluster } from '../support/cluster.js';
import type { FakeEngine } from '../support/fake-engine.js';
import { fuzzCase, type FuzzCase, type FuzzTargets } from '../support/fuzz-cases.js';
import { judge, sendAll, target, type Answer, type Target } from '../support/fuzz-client.js';
import { call } from '../support/http.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_251_125);
const BATCH = 50;
const RUNS = 200;
const CLUSTER_LABEL = 'com.docker.shoal.network.id';

let c: FakeCluster;
let shoal: Target;
const internal: string[] = [];
const targets: FuzzTargets = { image: 'busybox:local', container: 'fzbox', network: 'fznet' };

beforeAll(async () => {
  c = await fakeCluster([{}, {}, {}]);
  setLogSink((line) => {
    if (line.includes('internal error')) internal.push(line);
  });
  shoal = target(c.base);
  const box = await call(c.base, 'POST', '/containers/create?name=fzbox', { Image: 'busybox:local' });
  await call(c.base, 'POST', `/containers/fzbox/start`);
  const net = await call(c.base, 'POST', '/networks/create', { Name: 'fznet' });
  expect([box.status, net.status]).toEqual([201, 201]);
});
afterAll(async () => {
  shoal.agent.destroy();
  await c.stop();
});

interface Held {
  containers: Set<string>;
  volumes: Set<string>;
  networks: Map<string, Record<string, unknown>>;
}

function held(engines: readonly FakeEngine[]): Held {
  return {
    containers: new Set(engines.flatMap((e) => [...e.containers.keys()])),
    volumes: new Set(engines.flatMap((e) => [...e.volumes.volumes.keys()].map((v) => `${e.opts.name}/${v}`))),
    networks: new Map(engines.flatMap((e) => [...e.networks])),
  };
}

/** What the 2xx creates of a batch say they made: container IDs, volume names, network IDs. */
function made(batch: readonly FuzzCase[], answers: readonly Answer[]) {
  const out = { containers: new Set<string>(), volumes: new Set<string>(), networks: new Set<string>() };
  batch.forEach((fc, i) => {
    const a = answers[i];
    if (!a || a.status < 200 || a.status >= 300 || fc.method !== 'POST') return;
    const body = (a.json ?? {}) as { Id?: string; Name?: string };
    if (fc.path.startsWith('/containers/create') && body.Id) out.containers.add(body.Id);
    if (fc.path.startsWith('/volumes/create') && body.Name) out.volumes.add(body.Name);
    if (fc.path.startsWith('/networks/create') && body.Id) out.networks.add(body.Id);
  });
  return out;
}

/** Anything on an engine that no 2xx create of the batch accounts for. */
function unexplained(before: Held, after: Held, m: ReturnType<typeof made>): string[] {
  const out: string[] = [];
  for (const id of after.containers)
    if (!before.containers.has(id) && !m.containers.has(id)) out.push(`container ${id}`);
  for (const v of after.volumes)
    if (!before.volumes.has(v) && !m.volumes.has(v.slice(v.indexOf('/') + 1))) out.push(`volume ${v}`);
  for (const [id, n] of after.networks) {
    const cluster = (n['Labels'] as Record<string, string> | undefined)?.[CLUSTER_LABEL];
    if (!before.networks.has(id) && !m.networks.has(id) && !(cluster && m.networks.has(cluster)))
      out.push(`network ${String(n['Name'])}`);
  }
  return out;
}

/** Removes what the batch made, through Shoal (so its caches and records follow). */
async function cleanUp(m: ReturnType<typeof made>): Promise<void> {
  for (const id of m.containers) await call(c.base, 'DELETE', `/containers/${id}?force=1`);
  for (const name of m.volumes) await call(c.base, 'DELETE', `/volumes/${encodeURIComponent(name)}?force=1`);
  for (const id of m.networks) await call(c.base, 'DELETE', `/networks/${id}`);
}

it(`answers ${BATCH * RUNS} generated bad requests as an engine would, stays up, and makes nothing an engine refuses`, async () => {
  process.stdout.write(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays this run)\n`);
  const started = Date.now();
  let sent = 0;
  const kinds = new Map<string, number>();
  const baseline = held(c.engines);
  let failed: string[] = [];
  const result = await fc.check(
    fc.asyncProperty(fc.array(fuzzCase(targets), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const before = held(c.engines);
      const answers = await sendAll(shoal, batch);
      sent += batch.length;
      for (const b of batch)
        kinds.set(
          b.kind.split(' ').slice(0, 2).join(' '),
          (kinds.get(b.kind.split(' ').slice(0, 2).join(' ')) ?? 0) + 1,
        );
      const problems = batch.flatMap((b, i) => judge(b, answers[i] as Answer));
      const ping = await call(c.base, 'GET', '/_ping');
      if (ping.status !== 200 || ping.text !== 'OK') problems.push(`/_ping answered ${ping.status}`);
      const m = made(batch, answers);
      problems.push(...unexplained(before, held(c.engines), m).map((x) => `made without a 2xx create: ${x}`));
      problems.push(...internal.splice(0).map((l) => `internal error logged: ${l.slice(0, 300)}`));
      await cleanUp(m);
      if (problems.length > 0) failed = problems;
      return problems.length === 0;
    }),
    { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 100_000, markInterruptAsFailure: true },
  );
  // The problems of the smallest failing batch (fast-check's own report would print multi-MB bodies).
  expect(result.failed ? { seed: SEED, path: result.counterexamplePath, problems: failed } : 'ok').toBe('ok');
  const after = held(c.engines);
  expect([after.containers.size, after.volumes.size, after.networks.size]).toEqual([
    baseline.containers.size,
    baseline.volumes.size,
    baseline.networks.size,
  ]);
  process.stdout.write(
    `fuzz: ${sent} requests in ${Date.now() - started} ms (${[...kinds].map(([k, n]) => `${k}: ${n}`).join(', ')})\n`,
  );
  expect(sent).toBeGreaterThanOrEqual(10_000);
}, 120_000);
