// Differential fuzz on real engines: each generated bad request goes to an engine directly and to Shoal in
// front of the lab. Shoal must refuse what the engine refuses (a 4xx where it answers 4xx, never a 5xx it
// does not give), with the engine's text for a body it cannot decode, and must make nothing the engine
// refuses; the recorded refusals the fake engine is held to must still be what an engine says.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ENGINE_REFUSALS } from '../support/engine-refusals.js';
import { fuzzCase, type FuzzCase } from '../support/fuzz-cases.js';
import { judge, send, target, type Answer, type Target } from '../support/fuzz-client.js';
import { lab, useShoal } from './support.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_251_125);
const CASES = Number(process.env['FUZZ_E2E_CASES'] ?? 300);
const TIME_LIMIT_MS = 100_000;
const BATCH = 25;
/** Body cases whose refusal is the decoder's: Shoal's text must be the engine's. */
const DECODER_KINDS =
  /^(wrong type|malformed|empty body|blank body|not an object|too deep|deep open|huge|content type)/;

let shoalHost = '';
useShoal((s) => (shoalHost = s.host));
let shoal: Target;
let engines: Target[];

function raw(t: Target, method: string, path: string, body?: string): Promise<Answer> {
  return send(t, { kind: 'setup', method, path, engine: 'any', ...(body === undefined ? {} : { body }) });
}

beforeAll(async () => {
  shoal = target(shoalHost);
  engines = lab().nodes.map((n) => target({ socketPath: n.socket }));
  const engine = engines[0] as Target;
  await raw(engine, 'DELETE', '/containers/fzbox?force=1');
  const box = await raw(
    engine,
    'POST',
    '/containers/create?name=fzbox',
    '{"Image":"busybox:local","Cmd":["sleep","600"]}',
  );
  await raw(engine, 'POST', '/containers/fzbox/start');
  const net = await raw(shoal, 'POST', '/networks/create', '{"Name":"fznet"}');
  expect([box.status, net.status]).toEqual([201, 201]);
});
afterAll(async () => {
  await raw(shoal, 'DELETE', '/networks/fznet');
  await raw(engines[0] as Target, 'DELETE', '/containers/fzbox?force=1');
  for (const t of [shoal, ...engines]) t.agent.destroy();
});

interface Held {
  containers: Set<string>;
  volumes: Set<string>;
  networks: Map<string, { Name: string; Labels?: Record<string, string> | null }>;
}

async function held(): Promise<Held[]> {
  return Promise.all(
    engines.map(async (e) => {
      const cs = (await raw(e, 'GET', '/containers/json?all=1')).json as { Id: string }[];
      const vs = (await raw(e, 'GET', '/volumes')).json as { Volumes: { Name: string }[] | null };
      const ns = (await raw(e, 'GET', '/networks')).json as {
        Id: string;
        Name: string;
        Labels?: Record<string, string>;
      }[];
      return {
        containers: new Set(cs.map((x) => x.Id)),
        volumes: new Set((vs.Volumes ?? []).map((v) => v.Name)),
        networks: new Map(ns.map((n) => [n.Id, n])),
      };
    }),
  );
}

/** IDs and names the 2xx creates of a batch gave, by either side. */
function explained(batch: FuzzCase[], answers: Answer[][]): Set<string> {
  const out = new Set<string>();
  batch.forEach((c, i) => {
    for (const a of answers[i] ?? []) {
      if (a.status < 200 || a.status >= 300 || c.method !== 'POST') continue;
      const body = (a.json ?? {}) as { Id?: string; Name?: string };
      if (body.Id) out.add(body.Id);
      if (body.Name) out.add(body.Name);
    }
  });
  return out;
}

/** Removes what a batch made: Shoal's cluster networks through Shoal, everything else on its engine. */
async function cleanUp(before: Held[], after: Held[], shoalNetworks: string[]): Promise<void> {
  for (const id of shoalNetworks) await raw(shoal, 'DELETE', `/networks/${id}`);
  await Promise.all(
    after.map(async (h, i) => {
      const e = engines[i] as Target;
      const b = before[i] as Held;
      for (const id of h.containers)
        if (!b.containers.has(id)) await raw(e, 'DELETE', `/containers/${id}?force=1`);
      for (const v of h.volumes) if (!b.volumes.has(v)) await raw(e, 'DELETE', `/volumes/${v}`);
      for (const [id] of h.networks) if (!b.networks.has(id)) await raw(e, 'DELETE', `/networks/${id}`);
    }),
  );
}

function compare(c: FuzzCase, engine: Answer, shoalAnswer: Answer): string[] {
  const p: string[] = [];
  const e = engine.status;
  const s = shoalAnswer.status;
  const label = c.engine;
  if (!c.shoal) {
    if (label === 'refuse4' && (e < 400 || e >= 500)) p.push(`labelled refuse4, the engine answered ${e}`);
    if (label === 'refuse' && e < 300) p.push(`labelled refuse, the engine answered ${e}`);
    if (label === 'accept' && e >= 300) p.push(`labelled accept, the engine answered ${e}`);
    if (e >= 300 && s < 400) p.push(`the engine refused (${e}), Shoal answered ${s}`);
    if (e >= 400 && e < 500 && s >= 500) p.push(`the engine answered ${e}, Shoal ${s}`);
    if (s >= 500 && e < 500) p.push(`Shoal answered ${s}, the engine ${e}`);
    if (e < 300 && s >= 300) p.push(`the engine accepted (${e}), Shoal answered ${s}`);
    const em = (engine.json as { message?: string } | undefined)?.message;
    const sm = (shoalAnswer.json as { message?: string } | undefined)?.message;
    if (DECODER_KINDS.test(c.kind) && e >= 400 && s >= 400 && em !== sm)
      p.push(`engine said ${em}, Shoal ${sm}`);
  }
  p.push(...judge({ ...c, engine: 'any' }, shoalAnswer));
  return p.map((x) => `${c.method} ${c.path.slice(0, 90)} ${(c.body ?? '').slice(0, 90)} [${c.kind}]: ${x}`);
}

it('a real engine still refuses the recorded bad requests as recorded', async () => {
  const engine = engines[1] as Target;
  for (const r of ENGINE_REFUSALS) {
    const a = await send(engine, {
      kind: 'golden',
      method: r.method,
      path: r.path,
      engine: 'any',
      ...(r.body === undefined ? {} : { body: r.body }),
      ...(r.contentType ? { contentType: r.contentType } : {}),
    });
    expect({ path: r.path, body: r.body?.slice(0, 80), status: a.status, json: a.json }).toEqual({
      path: r.path,
      body: r.body?.slice(0, 80),
      status: r.status,
      json: { message: r.message },
    });
  }
});

it(`answers ${CASES} generated bad requests as the engine does and makes nothing it refuses`, async () => {
  process.stdout.write(`e2e fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it)\n`);
  const started = Date.now();
  const cases = fc.sample(fuzzCase({ image: 'busybox:local', container: 'fzbox', network: 'fznet' }), {
    seed: SEED,
    numRuns: CASES,
  });
  const problems: string[] = [];
  const classes = new Map<string, number>();
  let sent = 0;
  for (let i = 0; i < cases.length && Date.now() - started < TIME_LIMIT_MS; i += BATCH) {
    const batch = cases.slice(i, i + BATCH);
    const before = await held();
    const answers: Answer[][] = [];
    for (const c of batch) {
      const e = await send(engines[0] as Target, c);
      const s = await send(shoal, c);
      answers.push([e, s]);
      problems.push(...compare(c, e, s));
      const pair = `${Math.floor(e.status / 100)}xx/${Math.floor(s.status / 100)}xx`;
      classes.set(pair, (classes.get(pair) ?? 0) + 1);
    }
    sent += batch.length;
    const ping = await raw(shoal, 'GET', '/_ping');
    if (ping.status !== 200) problems.push(`/_ping answered ${ping.status}`);
    const after = await held();
    const ok = explained(batch, answers);
    after.forEach((h, n) => {
      const b = before[n] as Held;
      for (const id of h.containers)
        if (!b.containers.has(id) && !ok.has(id))
          problems.push(`node-${n}: container ${id} made without a 2xx`);
      for (const v of h.volumes)
        if (!b.volumes.has(v) && !ok.has(v)) problems.push(`node-${n}: volume ${v} made without a 2xx`);
      for (const [id, net] of h.networks) {
        const cluster = net.Labels?.['com.docker.shoal.network.id'];
        if (!b.networks.has(id) && !ok.has(id) && !(cluster && ok.has(cluster)))
          problems.push(`node-${n}: network ${net.Name} made without a 2xx`);
      }
    });
    const shoalNetworks = batch.flatMap((c, k) => {
      const a = answers[k]?.[1];
      const id = (a?.json as { Id?: string } | undefined)?.Id;
      return c.path === '/networks/create' && a && a.status === 201 && id ? [id] : [];
    });
    await cleanUp(before, after, shoalNetworks);
  }
  process.stdout.write(
    `e2e fuzz: ${sent} requests to an engine and to Shoal in ${Date.now() - started} ms; ` +
      `engine/Shoal classes: ${[...classes].map(([k, n]) => `${k} ${n}`).join(', ')}\n`,
  );
  expect(problems).toEqual([]);
  expect(sent).toBeGreaterThanOrEqual(Math.min(CASES, 200));
}, 180_000);
