// Writing responses: Docker's standard headers, JSON bodies, and the one place errors are rendered.
import type { ServerResponse } from 'node:http';
import { describe, EngineUnreachableError } from '../engine/connection-errors.js';
import { EngineHttpError } from '../engine/errors.js';
import { kindOf, statusOf } from '../errors.js';
import { log } from '../log.js';

export interface StandardHeaders {
  apiVersion(): string;
  readonly server: string;
}

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
  sendJsonText(res, status, JSON.stringify(body) + '\n');
}

/** A JSON answer already in text form (Docker's trailing newline included). */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
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

/** Maps any error to Docker's `{"message": …}` with the right status; engine errors pass through unchanged. */
export function errorResponse(err: unknown): { status: number; body: Buffer; contentType: string } {
  if (err instanceof EngineHttpError) {
    return { status: err.status, body: err.body, contentType: err.contentType ?? 'application/json' };
  }
  // An engine that cannot be reached is the cluster being unavailable, not Shoal failing.
  const kind = err instanceof EngineUnreachableError ? 'unavailable' : kindOf(err);
  const status = kind ? statusOf(kind) : 500;
  const message = kind ? (err as Error).message : describe(err);
  if (!kind) log.error(`internal error: ${message}`, { stack: err instanceof Error ? err.stack : undefined });
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
