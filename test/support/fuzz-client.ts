// Sending a fuzz case over HTTP exactly as generated (node:http does not tidy paths as fetch does), with a
// deadline: a request that is not answered in time is a hang.
import { Agent, request } from 'node:http';
import type { FuzzCase } from './fuzz-cases.js';

export interface Answer {
  status: number;
  text: string;
  json: unknown;
  /** Set when no answer came (connection error or deadline). */
  error?: string;
}

export interface Target {
  host?: string;
  port?: number;
  socketPath?: string;
  agent: Agent;
}

export function target(addr: string | { socketPath: string }): Target {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  if (typeof addr !== 'string') return { socketPath: addr.socketPath, agent };
  const url = new URL(addr.includes('://') ? addr.replace(/^tcp:/, 'http:') : `http://${addr}`);
  return { host: url.hostname, port: Number(url.port), agent };
}

export function send(t: Target, c: FuzzCase, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = {};
    if (c.body !== undefined) {
      headers['content-type'] = c.contentType ?? 'application/json';
      headers['content-length'] = Buffer.byteLength(c.body);
    }
    const done = (a: Answer) => {
      clearTimeout(timer);
      resolve(a);
    };
    const req = request(
      {
        host: t.host,
        port: t.port,
        socketPath: t.socketPath,
        agent: t.agent,
        method: c.method,
        path: `/v1.41${c.path}`,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', (err) =>
          done({ status: res.statusCode ?? 0, text: '', json: undefined, error: err.message }),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          done({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: 0, text: '', json: undefined, error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (err) => done({ status: 0, text: '', json: undefined, error: err.message }));
    req.end(c.body);
  });
}

/** Runs the cases `width` at a time, keeping their order in the answers. */
export async function sendAll(t: Target, cases: readonly FuzzCase[], width = 8): Promise<Answer[]> {
  const out: Answer[] = new Array<Answer>(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < cases.length) {
        const i = next++;
        out[i] = await send(t, cases[i] as FuzzCase);
      }
    }),
  );
  return out;
}

/** What is wrong with an answer given what the engine answers the case (empty: nothing). */
export function judge(c: FuzzCase, a: Answer): string[] {
  const problems: string[] = [];
  if (a.error) problems.push(`no answer (${a.error})`);
  else {
    const message = (a.json as { message?: unknown } | undefined)?.message;
    if (a.status >= 400 && typeof message !== 'string') problems.push('an error without a JSON message');
    if (c.shoal) {
      if (a.status >= 300 && a.status !== 400 && a.status !== 503) problems.push('not 2xx, 400 or 503');
    } else if (c.engine === 'refuse4' && (a.status < 400 || a.status >= 500))
      problems.push('the engine answers 4xx');
    else if (c.engine === 'refuse' && a.status < 400) problems.push('the engine refuses it');
    else if (c.engine === 'accept' && a.status >= 300) problems.push('the engine accepts it');
  }
  return problems.map(
    (p) =>
      `${c.method} ${c.path.slice(0, 100)} ${(c.body ?? '').slice(0, 100)} [${c.kind}]: ${p}; got ${a.status} ${a.text.slice(0, 160)}`,
  );
}
