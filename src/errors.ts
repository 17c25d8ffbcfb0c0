// One error type for the API front: a kind, mapped to an HTTP status in one table, rendered as Docker's JSON.

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

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return STATUS[this.kind];
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
