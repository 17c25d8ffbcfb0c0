// The two frontends a comparison runs side by side, started the same way: classic Docker Swarm 1.2.9 (a
// measuring instrument, from BENCH_CLASSIC or ../shared/tools) and Shoal, each as its own process.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Pool } from 'undici';
import { freePort } from '../test/support/free-port.js';
import { startManager, startProcess, type Child } from './children.js';
import { benchStoreArgs } from './store.js';

export type FrontendName = 'classic' | 'Shoal';
export const FRONTENDS: readonly FrontendName[] = ['classic', 'Shoal'];

export const classicBinary = (): string =>
  process.env['BENCH_CLASSIC'] ?? resolve('..', 'shared', 'tools', 'classicswarm');

export interface Frontend extends Child {
  name: FrontendName;
  origin: string;
}

/** Starts `name` in front of `discovery` (`file://…` or `a,b,c`); throws if it does not come up. */
export async function startFrontend(
  name: FrontendName,
  discovery: string,
  binary = classicBinary(),
): Promise<Frontend> {
  let child: Child;
  if (name === 'classic') {
    if (!existsSync(binary)) throw new Error(`no classic Swarm binary at ${binary} (set BENCH_CLASSIC)`);
    // Classic does not say which port it got for :0, so it is given a free one.
    const port = await freePort();
    const args = ['manage', '-H', `tcp://127.0.0.1:${port}`, '--heartbeat=1s', discovery];
    child = await startProcess(binary, args, (out) =>
      out.includes('Listening for HTTP') ? port : undefined,
    );
  } else {
    child = await startManager([...benchStoreArgs(), '-H', 'tcp://127.0.0.1:0', discovery]);
  }
  return Object.assign(child, { name, origin: `http://127.0.0.1:${child.port}` });
}

/** Why a step failed: the frontend's fatal line if it has died (give it a moment to exit), else the error. */
export async function whyFailed(fe: Frontend | undefined, err: unknown): Promise<string> {
  const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
  if (!fe) return message;
  for (let i = 0; i < 20 && fe.ended() === undefined; i++) await new Promise((r) => setTimeout(r, 100));
  const ended = fe.ended();
  return ended === undefined ? message : `${fe.name} crashed: ${ended}`;
}

/**
 * Polls `/info` every 250 ms (a poll costs the frontend some CPU) until it lists `engines` nodes `Healthy` and `containers` containers (classic and
 * Shoal both give `  └ Status` per node in SystemStatus); the milliseconds since `t0`.
 */
export async function waitHealthy(
  origin: string,
  engines: number,
  containers: number,
  t0: number,
  limitMs = 300_000,
): Promise<number> {
  const pool = new Pool(origin, { connections: 1, headersTimeout: 60_000, bodyTimeout: 60_000 });
  try {
    for (;;) {
      const res = await pool.request({ method: 'GET', path: '/v1.41/info' });
      const info = (await res.body.json()) as {
        SystemStatus?: [string, string][] | null;
        Containers?: number;
      };
      const healthy = (info.SystemStatus ?? []).filter(
        ([k, v]) => k === '  └ Status' && v === 'Healthy',
      ).length;
      if (healthy === engines && info.Containers === containers) return Date.now() - t0;
      if (Date.now() - t0 > limitMs)
        throw new Error(
          `${healthy} engines healthy, ${info.Containers} containers after ${limitMs / 1000} s`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await pool.close();
  }
}
