// Everything a handler gets: the request, the response, path parameters and the client's API version.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Path without the /vX.Y prefix, still percent-encoded. */
  readonly path: string;
  /** The version from the path prefix, or "" for an unversioned call. */
  readonly version: string;
  readonly query: URLSearchParams;
  /** The query string as received (no "?"), for passing through untouched. */
  readonly rawQuery: string;
  readonly params: Readonly<Record<string, string>>;
}

export function param(ctx: RequestContext, name: string): string {
  return ctx.params[name] ?? '';
}
