// Error kinds and the one table that maps them to HTTP statuses. ApiError is Shoal's own error; the store's
// and the scheduler's errors carry a kind too, and the API renders any of them with this table.

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

/** The HTTP status of an error kind. */
export function statusOf(kind: ErrorKind): number {
  return STATUS[kind];
}

/** The kind an error carries (ApiError, the store's and the scheduler's errors), if any. */
export function kindOf(err: unknown): ErrorKind | undefined {
  const kind = err instanceof Error ? (err as { kind?: unknown }).kind : undefined;
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

/** Docker's text for a container that cannot be found. */
export function noSuchContainer(ref: string): ApiError {
  return ApiError.notFound(`No such container: ${ref}`);
}
