// One frontend (classic or Shoal) measured on its own fresh simulated farm, by the same code for both: time
// to healthy, memory at rest / peak / after load, /info and /containers/json latency, creates.
import { Pool } from 'undici';
import { startFarmProcess } from './farm-process.js';
import { startFrontend, waitHealthy, whyFailed, type Frontend, type FrontendName } from './frontends.js';
import { load, summarise, type LoadResult } from './load.js';
import { watchMemory } from './memory.js';

export interface FarmFigures {
  healthyS?: number;
  restKiB?: number;
  info?: LoadResult;
  psFiltered?: LoadResult;
  psAll?: LoadResult & { bytes: number };
  seq?: LoadResult;
  par?: LoadResult & { refused: number; stoppedBy?: string };
  hwmKiB?: number;
  peakRssKiB?: number;
  afterKiB?: number;
  /** The step that failed and why; the steps after it were not run. */
  failure?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(pool: Pool, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

const CREATE = {
  Image: 'busybox:local',
  Cmd: ['sleep', '1000'],
  Env: ['constraint:storage==ssd'],
  HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '' }] } },
};

/** Sequential create + start, bounded to 500 pairs and 60 s. */
async function createStart(pool: Pool): Promise<LoadResult> {
  const pairs: number[] = [];
  const started = Date.now();
  for (let i = 0; i < 500 && Date.now() - started < 60_000; i++) {
    const t = process.hrtime.bigint();
    const c = await post(pool, `/v1.41/containers/create?name=bench-seq-${i}`, CREATE);
    if (c.status !== 201) throw new Error(`create answered ${c.status}: ${c.text}`);
    const s = await post(pool, `/v1.41/containers/${(JSON.parse(c.text) as { Id: string }).Id}/start`);
    if (s.status !== 204) throw new Error(`start answered ${s.status}: ${s.text}`);
    pairs.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return summarise(pairs, Date.now() - started);
}

/** Creates from 32 clients, bounded to 3,000 and 60 s; a dropped connection (a crash) ends it, as a result. */
async function concurrentCreates(pool: Pool, fe: Frontend): Promise<NonNullable<FarmFigures['par']>> {
  let n = 0;
  let refused = 0;
  let stoppedBy: string | undefined;
  const lat: number[] = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (n < 3000 && Date.now() - started < 60_000 && stoppedBy === undefined && refused < 100) {
        const i = n++;
        const t = process.hrtime.bigint();
        try {
          const c = await post(pool, `/v1.41/containers/create?name=bench-par-${i}`, CREATE);
          if (c.status === 201) lat.push(Number(process.hrtime.bigint() - t) / 1000);
          else refused++;
        } catch (err) {
          stoppedBy ??= await whyFailed(fe, err);
        }
      }
    }),
  );
  return { ...summarise(lat, Date.now() - started), refused, stoppedBy };
}

async function measureOn(fe: Frontend, figures: FarmFigures, step: (s: string) => void): Promise<void> {
  const pool = new Pool(fe.origin, { connections: 64, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const target = { origin: fe.origin };
  try {
    step('GET /info');
    figures.info = await load(target, '/v1.41/info', { concurrency: 1, requests: 200, maxMs: 30_000 });
    step('GET /containers/json filtered');
    const filter = encodeURIComponent(JSON.stringify({ label: ['tier=front'], name: ['c-1'] }));
    const filtered = `/v1.41/containers/json?all=1&filters=${filter}`;
    figures.psFiltered = await load(target, filtered, { concurrency: 1, requests: 200, maxMs: 30_000 });
    step('GET /containers/json?all=1');
    const res = await pool.request({ method: 'GET', path: '/v1.41/containers/json?all=1' });
    const bytes = (await res.body.arrayBuffer()).byteLength;
    const all = await load(target, '/v1.41/containers/json?all=1', {
      concurrency: 1,
      requests: 30,
      maxMs: 60_000,
    });
    figures.psAll = { ...all, bytes };
    step('create+start, sequential');
    figures.seq = await createStart(pool);
    // Last: classic is known to crash here with 200+ engines.
    step('creates, 32 clients');
    figures.par = await concurrentCreates(pool, fe);
  } finally {
    await pool.close();
  }
}

export async function measureFarm(
  name: FrontendName,
  engines: number,
  perEngine: number,
): Promise<FarmFigures> {
  const figures: FarmFigures = {};
  const { farm, file } = await startFarmProcess(engines, perEngine);
  let fe: Frontend | undefined;
  let at = 'start';
  const step = (s: string) => (at = s);
  try {
    const t0 = Date.now();
    fe = await startFrontend(name, `file://${file}`);
    const memory = watchMemory(fe.proc.pid);
    try {
      step('registering the engines');
      figures.healthyS = (await waitHealthy(fe.origin, engines, engines * perEngine, t0)) / 1000;
      await sleep(2000);
      figures.restKiB = fe.rssKiB();
      memory.mark();
      await measureOn(fe, figures, step);
      figures.peakRssKiB = memory.peakRssKiB();
      if (fe.ended() === undefined) {
        step('after load');
        await sleep(10_000);
        figures.afterKiB = fe.rssKiB();
      }
    } finally {
      figures.peakRssKiB ??= memory.peakRssKiB();
      figures.hwmKiB = memory.hwmKiB();
      memory.stop();
    }
  } catch (err) {
    figures.failure = `${at}: ${await whyFailed(fe, err)}`;
  } finally {
    await fe?.stop();
    await farm.stop();
  }
  return figures;
}
