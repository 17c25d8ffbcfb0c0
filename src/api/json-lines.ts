// Progress streams (pull, load, import, build, push): JSON objects one per line, read and written as such.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { baseHeaders } from './respond.js';

/** Calls `fn` for each JSON object of a newline-delimited stream (non-JSON lines are passed as text). */
export async function eachLine(body: Readable, fn: (obj: Record<string, unknown>) => void): Promise<void> {
  let pending = '';
  const flush = (line: string) => {
    const t = line.trim();
    if (!t) return;
    try {
      fn(JSON.parse(t) as Record<string, unknown>);
    } catch {
      fn({ stream: `${t}\n` });
    }
  };
  for await (const chunk of body) {
    pending += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      flush(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  }
  flush(pending);
}

/** Starts a 200 JSON-lines answer and returns a writer for its objects. */
export function jsonLines(res: ServerResponse): (obj: unknown) => void {
  res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/json' });
  res.flushHeaders();
  return (obj) => {
    if (!res.destroyed) res.write(JSON.stringify(obj) + '\n');
  };
}

/** The error of a progress stream, if the engine reported one in it. */
export function streamError(obj: Record<string, unknown>): string | undefined {
  if (typeof obj['error'] === 'string') return obj['error'];
  const detail = obj['errorDetail'] as { message?: string } | undefined;
  return typeof detail?.message === 'string' ? detail.message : undefined;
}
