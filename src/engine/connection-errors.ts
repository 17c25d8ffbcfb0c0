// Which failures mean "the engine cannot be reached" (they count against its health) and which do not.

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'ENOENT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export class EngineUnreachableError extends Error {
  override name = 'EngineUnreachableError';
  readonly kind = 'unreachable';
  constructor(
    readonly addr: string,
    override readonly cause: unknown,
  ) {
    super(`Cannot connect to the Docker engine endpoint at ${addr}: ${describe(cause)}`);
  }
}

function codeOf(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; cause?: unknown; name?: unknown };
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return e.code;
  if (e.name === 'TimeoutError') return 'ETIMEDOUT';
  if (e.cause !== undefined && e.cause !== err) return codeOf(e.cause);
  if (Array.isArray((err as AggregateError).errors)) {
    for (const inner of (err as AggregateError).errors) {
      const c = codeOf(inner);
      if (c) return c;
    }
  }
  return typeof e.code === 'string' ? e.code : undefined;
}

export function isConnectionError(err: unknown): boolean {
  if (err instanceof EngineUnreachableError) return true;
  const code = codeOf(err);
  return code !== undefined && CONNECTION_CODES.has(code);
}

export function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = codeOf(err);
    const msg = err.message || err.name;
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(err);
}
