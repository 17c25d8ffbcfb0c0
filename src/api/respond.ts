// Writing responses: Docker's standard headers, JSON bodies, and the one place errors are rendered.
import type { ServerResponse } from 'node:http';
import { describe } from '../engine/connection-errors.js';
import { EngineUnreachableError } from '../engine/connection-errors.js';
import { log } from '../log.js';
import { EngineHttpError, kindOf, statusOf } from '../errors.js';
import { StoreError, type StoreErrorCode } from '../store/errors.js';

export interface StandardHeaders {
  apiVersion(): string;
  readonly server: string;
}

/** The cluster state store's errors: a manager that does not lead, or a store it cannot reach, is 503. */
const STORE_STATUS: Record<StoreErrorCode, number> = {
  readOnly: 503,
  unavailable: 503,
  conflict: 409,
  corrupt: 500,
  spec: 500,
};

let standard: StandardHeaders = { apiVersion: () => '1.41', server: 'Shoal' };

export function setStandardHeaders(h: StandardHeaders): void {
  standard = h;
}

/** The headers the engine puts on every response (clients read them on ping). */
export function baseHeaders(): Record<string, string> {
  return {
    'Api-Version': standard.apiVersion(),
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: standard.server,
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, baseHeaders());
  res.end();
}

/**
 * Maps any error to Docker's `{"message": …}` with the right status: by its kind (ApiError, or any error with
 * a `kind` from src/errors.ts), store and engine-connection errors by class; engine errors pass through unchanged.
 */
export function errorResponse(err: unknown): { status: number; body: Buffer; contentType: string } {
  if (err instanceof EngineHttpError) {
    return { status: err.status, body: err.body, contentType: err.contentType ?? 'application/json' };
  }
  let status = 500;
  let message: string;
  const kind = kindOf(err);
  if (kind !== undefined) {
    status = statusOf(kind);
    message = (err as Error).message;
  } else if (err instanceof EngineUnreachableError) {
    status = 503;
    message = err.message;
  } else if (err instanceof StoreError) {
    status = STORE_STATUS[err.code];
    message = err.message;
  } else {
    message = describe(err);
    log.error(`internal error: ${message}`, { stack: err instanceof Error ? err.stack : undefined });
  }
  return { status, body: Buffer.from(JSON.stringify({ message }) + '\n'), contentType: 'application/json' };
}

export function sendError(res: ServerResponse, err: unknown): void {
  const { status, body, contentType } = errorResponse(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...baseHeaders(), 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(status === 304 ? undefined : body);
}
