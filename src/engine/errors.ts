// An engine's error answers, parsed once here into kinds: nothing else in Shoal reads an engine's message text.
import { EngineUnreachableError } from './connection-errors.js';

export { EngineUnreachableError };

/**
 * What went wrong, as Shoal's own code decides on it. `notFound` is a 404 about something else (a path,
 * a plugin); `failed` is any other error status (the engine's message says what).
 */
export type EngineErrorKind =
  | 'noSuchImage'
  | 'noSuchContainer'
  | 'noSuchNetwork'
  | 'noSuchVolume'
  | 'noSuchExec'
  | 'notFound'
  | 'conflict'
  | 'notRunning'
  | 'invalid'
  | 'forbidden'
  | 'unreachable'
  | 'failed';

/** 404 texts of Docker 20.10–28, most specific first (an image error can name a container). */
const NOT_FOUND: [RegExp, EngineErrorKind][] = [
  [
    /no such image|image \S* not found|repository \S* not found|repository does not exist|pull access denied/i,
    'noSuchImage',
  ],
  [/no such container/i, 'noSuchContainer'],
  [/network \S* not found|no such network/i, 'noSuchNetwork'],
  [/no such volume|volume \S* not found/i, 'noSuchVolume'],
  [/no such exec/i, 'noSuchExec'],
];

/** The kind of an engine's error answer, from its status and (for 404 and 409) its message. */
export function engineErrorKind(status: number, message: string): EngineErrorKind {
  switch (status) {
    case 400:
      return 'invalid';
    case 403:
      return 'forbidden';
    case 404:
      return NOT_FOUND.find(([re]) => re.test(message))?.[1] ?? 'notFound';
    case 409:
      return /is not running|is paused|is restarting/i.test(message) ? 'notRunning' : 'conflict';
    default:
      return status >= 500 ? 'failed' : 'invalid';
  }
}

/**
 * An engine answered with an error status. It reaches the client unchanged (status and body), so the
 * client sees exactly what Docker would have said; Shoal's own code decides on `kind`.
 */
export class EngineHttpError extends Error {
  override name = 'EngineHttpError';
  readonly kind: EngineErrorKind;
  /** Reported inside a progress stream the engine had begun with a 200, not as an error status. */
  inStream = false;

  constructor(
    readonly status: number,
    readonly body: Buffer,
    readonly contentType: string | undefined,
  ) {
    const message = messageOf(body);
    super(message ?? `engine answered ${status}`);
    this.kind = engineErrorKind(status, message ?? '');
  }

  /** An error the engine reported inside a progress stream (a pull): 404 when the image does not exist. */
  static fromStream(message: string): EngineHttpError {
    const status = engineErrorKind(404, message) === 'noSuchImage' ? 404 : 500;
    const err = new EngineHttpError(
      status,
      Buffer.from(JSON.stringify({ message }) + '\n'),
      'application/json',
    );
    err.inStream = true;
    return err;
  }
}

function messageOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    const text = body.toString('utf8').trim();
    return text === '' ? undefined : text;
  }
}

/** The kind of any error an engine call threw: its answer's kind, or unreachable for connection trouble. */
export function kindOfEngineError(err: unknown): EngineErrorKind | undefined {
  if (err instanceof EngineHttpError) return err.kind;
  if (err instanceof EngineUnreachableError) return 'unreachable';
  return undefined;
}

/** True when an engine call failed for this reason. */
export function isEngineError(err: unknown, ...kinds: EngineErrorKind[]): boolean {
  const kind = kindOfEngineError(err);
  return kind !== undefined && kinds.includes(kind);
}
