// One error type for the API front: a kind, mapped to an HTTP status in one table, rendered as Docker's JSON.
// Layers below the API may give their own errors a `kind` from this list instead (see kindOf).

export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'notModified'
  | 'tooLarge'
  | 'internal'
  | 'notImplemented'
  | 'unavailable';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  notModified: 304,
  tooLarge: 413,
  internal: 500,
  notImplemented: 501,
  unavailable: 503,
};

/** The HTTP status of a kind: the one table. */
export function statusOf(kind: ErrorKind): number {
  return STATUS[kind];
}

/**
 * The kind an error names, if any: an ApiError's, or that of a layer's own error class that does not know
 * the API (the scheduler's PlacementRequestError has `kind = 'invalid'`).
 */
export function kindOf(err: unknown): ErrorKind | undefined {
  if (!(err instanceof Error) || !('kind' in err)) return undefined;
  const { kind } = err;
  return typeof kind === 'string' && Object.hasOwn(STATUS, kind) ? (kind as ErrorKind) : undefined;
}

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return statusOf(this.kind);
  }

  static invalid(message: string): ApiError {
    return new ApiError('invalid', message);
  }
  static notFound(message: string): ApiError {
    return new ApiError('notFound', message);
  }
  static conflict(message: string): ApiError {
    return new ApiError('conflict', message);
  }
  static unavailable(message: string): ApiError {
    return new ApiError('unavailable', message);
  }
  static internal(message: string): ApiError {
    return new ApiError('internal', message);
  }
  static notImplemented(message: string): ApiError {
    return new ApiError('notImplemented', message);
  }
}

/**
 * An engine answered with an error status: it reaches the client unchanged (status and body), so the
 * client sees exactly what Docker would have said.
 */
export class EngineHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Buffer,
    readonly contentType: string | undefined,
  ) {
    super(EngineHttpError.messageOf(body) ?? `engine answered ${status}`);
    this.name = 'EngineHttpError';
  }

  private static messageOf(body: Buffer): string | undefined {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
      return typeof parsed.message === 'string' ? parsed.message : undefined;
    } catch {
      const text = body.toString('utf8').trim();
      return text === '' ? undefined : text;
    }
  }
}

/** Docker's text for a container that cannot be found. */
export function noSuchContainer(ref: string): ApiError {
  return ApiError.notFound(`No such container: ${ref}`);
}
