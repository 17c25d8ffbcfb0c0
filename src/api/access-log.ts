// One line per API request at debug level: method, path, status, duration and the engine that answered
// (when one did). Headers are never logged (X-Registry-Auth carries registry credentials), nor bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../log.js';

const engines = new WeakMap<ServerResponse, string>();

/** The engine a request went to (passthrough and exchanges call this). */
export function noteEngine(res: ServerResponse, name: string): void {
  engines.set(res, name);
}

/** Logs the request when its answer has gone (or the client left). */
export function logAccess(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
  if (!log.enabled('debug')) return;
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    log.debug('request', {
      method,
      path,
      status: res.headersSent ? res.statusCode : 0,
      duration_ms: Number(ms.toFixed(3)),
      engine: engines.get(res),
      client: req.socket.remoteAddress,
    });
  });
}
