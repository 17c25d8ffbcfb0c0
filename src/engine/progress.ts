// An engine's progress streams (pull, load, import, build, push): JSON objects one per line.
import type { Readable } from 'node:stream';

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

/** The error of a progress stream, if the engine reported one in it. */
export function streamError(obj: Record<string, unknown>): string | undefined {
  if (typeof obj['error'] === 'string') return obj['error'];
  const detail = obj['errorDetail'] as { message?: string } | undefined;
  return typeof detail?.message === 'string' ? detail.message : undefined;
}
