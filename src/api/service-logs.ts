// GET /services/{id}/logs and /tasks/{id}/logs: the log streams of a service's tasks, each from the engine
// that runs its container, merged into the one answer a swarm manager gives. Lines of different tasks
// interleave as they come, one whole line per frame, each prefixed with its task's details.
//
//   engine A ── task 1 logs ─┐  whole lines,
//   engine B ── task 2 logs ─┼─ "<ts> com.docker.swarm.node.id=…,… <message>" ─→ one 200 stream
//   watch (follow) ── task 3 ┘
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compareVersions } from '../docker/api-version.js';
import { encodeFrame } from '../docker/stdcopy.js';
import { parseLogQuery } from './log-query.js';
import { baseHeaders } from './respond.js';
import { splitVersion } from './router.js';
import { openTaskLog, type LogSource, type TaskLog } from './task-log.js';

export type { LogSource } from './task-log.js';

/** Follow mode: tasks that appear later are added (after a scale-up, or a restart). */
export interface LogWatch {
  /**
   * Calls `add` for each task that appears; it may also replay the tasks it knows (a container already
   * streamed, or streaming, is not opened twice). Returns the unsubscribe.
   */
  subscribe(add: (s: LogSource) => void): () => void;
}

export interface TaskLogsOptions {
  /**
   * The service's (or task's) spec has a TTY: the answer is raw, not multiplexed, as the engine's is
   * (`docker service logs --raw` copies it as it is). By default: whether any of the sources has one.
   */
  tty?: boolean;
}

/**
 * Streams the logs of these tasks as the engine does for GET /services/{id}/logs and /tasks/{id}/logs.
 * An invalid query rejects with an ApiError before anything is written (the server renders it as a 400);
 * once the 200 is out it never rejects. Without follow the answer ends with the last task's stream; with
 * follow it stays open until the client goes. Either way, when it settles every engine stream is closed.
 */
export async function streamTaskLogs(
  req: IncomingMessage,
  res: ServerResponse,
  sources: readonly LogSource[],
  query: URLSearchParams,
  watch?: LogWatch,
  opts: TaskLogsOptions = {},
): Promise<void> {
  const q = parseLogQuery(query);
  if (res.destroyed) return;
  const raw = opts.tty ?? sources.some((s) => s.tty);
  res.writeHead(200, { ...baseHeaders(), ...contentType(req, raw) });
  res.flushHeaders();
  const out = new LogOutput(res, raw);
  const streams = new Map<string, TaskLog>();
  const add = (s: LogSource) => {
    if (res.destroyed || streams.has(s.containerId)) return;
    const log = openTaskLog(s, q, (stream, line) => out.write(stream, line));
    streams.set(s.containerId, log);
    out.track(log);
  };
  let unsubscribe: (() => void) | undefined;
  const gone = new Promise<void>((resolve) => res.once('close', resolve));
  void gone.then(() => {
    unsubscribe?.();
    for (const log of streams.values()) log.close();
  });
  for (const s of sources) add(s);
  if (q.follow) {
    unsubscribe = watch?.subscribe(add);
    await gone;
  } else {
    await Promise.all([...streams.values()].map((log) => log.done));
    res.end();
  }
  await Promise.all([...streams.values()].map((log) => log.done));
}

/**
 * The engine's Content-Type for these answers: none below API 1.42 (what Docker 20.10 sent), then
 * raw-stream or multiplexed-stream. The Docker CLI decides the framing from the spec's TTY either way.
 */
function contentType(req: IncomingMessage, raw: boolean): Record<string, string> {
  const version = splitVersion(req.url ?? '').version || baseHeaders()['Api-Version'] || '';
  if (compareVersions(version, '1.42') < 0) return {};
  return {
    'Content-Type': raw ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
  };
}

/** Writes lines to the client; a slow client pauses every engine stream until it has caught up. */
class LogOutput {
  private readonly logs = new Set<TaskLog>();
  private waiting = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly raw: boolean,
  ) {}

  track(log: TaskLog): void {
    this.logs.add(log);
    if (this.waiting) log.pause();
    void log.done.then(() => this.logs.delete(log));
  }

  write(stream: number, line: Buffer): void {
    if (this.res.destroyed || this.res.writableEnded) return;
    if (this.res.write(this.raw ? line : encodeFrame(stream, line)) || this.waiting) return;
    this.waiting = true;
    for (const log of this.logs) log.pause();
    this.res.once('drain', () => {
      this.waiting = false;
      for (const log of this.logs) log.resume();
    });
  }
}
