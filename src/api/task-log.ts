// One task's log stream from the engine that runs its container, cut into whole lines that carry the
// task's swarm details. A task whose engine does not answer is left out, quietly: the others still stream.
import type { Readable } from 'node:stream';
import { taskLogDetails, formatLogLine } from '../docker/log-details.js';
import { LogStreamLines, type StreamLine } from '../docker/log-lines.js';
import { STDERR, STDOUT } from '../docker/stdcopy.js';
import { describe } from '../engine/connection-errors.js';
import type { Engine } from '../engine/engine.js';
import { log } from '../log.js';
import type { LogQuery } from './log-query.js';

export interface LogSource {
  engine: Engine;
  containerId: string;
  /** The swarm node ID. */
  nodeId: string;
  serviceId: string;
  taskId: string;
  /** The task's container has a TTY: its log stream is raw, not multiplexed. */
  tty: boolean;
}

/** Where a task's lines go: STDOUT or STDERR, one whole formatted line at a time. */
export type LineSink = (stream: number, line: Buffer) => void;

export interface TaskLog {
  /** Stop reading (the client is slow); lines already read still go out. */
  pause(): void;
  resume(): void;
  /** Abandons the call or the stream: its connection to the engine is closed. */
  close(): void;
  /** Settles when the stream has ended, failed or been closed; never rejects. */
  readonly done: Promise<void>;
}

export function openTaskLog(source: LogSource, query: LogQuery, sink: LineSink): TaskLog {
  const abort = new AbortController();
  let body: Readable | undefined;
  let paused = false;
  const done = (async () => {
    try {
      body = await source.engine.ops.logs(source.containerId, {
        follow: query.follow,
        tail: query.tail,
        since: query.since,
        timestamps: query.timestamps,
        stdout: query.stdout,
        stderr: query.stderr,
        signal: abort.signal,
      });
    } catch (err) {
      if (!abort.signal.aborted) skipped(source, err);
      return;
    }
    if (abort.signal.aborted) return void body.destroy();
    if (paused) body.pause();
    await pump(body, source, query, sink, abort.signal);
  })();
  return {
    pause() {
      paused = true;
      body?.pause();
    },
    resume() {
      paused = false;
      body?.resume();
    },
    close() {
      abort.abort();
      body?.destroy();
    },
    done,
  };
}

/** Reads the stream to its end; the line still unfinished at the end goes out as it is. */
function pump(
  body: Readable,
  source: LogSource,
  query: LogQuery,
  sink: LineSink,
  closed: AbortSignal,
): Promise<void> {
  const lines = new LogStreamLines({ tty: source.tty, timestamps: query.timestamps });
  const details = query.details ? taskLogDetails(source) : undefined;
  const send = (out: StreamLine[]) => {
    for (const { stream, line } of out) {
      if (stream === STDOUT || stream === STDERR) sink(stream, formatLogLine(line, details));
      else skipped(source, line.text.toString('utf8').trim());
    }
  };
  return new Promise((resolve) => {
    body.on('data', (chunk: Buffer) => send(lines.push(chunk)));
    body.once('end', () => {
      send(lines.end());
      resolve();
    });
    body.once('error', (err) => {
      if (closed.aborted) return resolve();
      // Cut short (the engine went away): what came is sent, the rest of this task is missing.
      skipped(source, err);
      send(lines.end());
      resolve();
    });
    body.once('close', () => resolve());
  });
}

function skipped(source: LogSource, err: unknown): void {
  log.debug('task logs skipped: its engine did not give them', {
    task: source.taskId,
    container: source.containerId,
    engine: source.engine.addr,
    error: typeof err === 'string' ? err : describe(err),
  });
}
