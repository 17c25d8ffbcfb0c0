// Progress answers to the client (pull, load, import fanned out): JSON objects one per line.
import type { ServerResponse } from 'node:http';
import { baseHeaders } from './respond.js';

/** Starts a 200 JSON-lines answer and returns a writer for its objects. */
export function jsonLines(res: ServerResponse): (obj: unknown) => void {
  res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/json' });
  res.flushHeaders();
  return (obj) => {
    if (!res.destroyed) res.write(JSON.stringify(obj) + '\n');
  };
}
