// Progress answers to the client (pull, load, import fanned out): JSON objects one per line.
import type { ServerResponse } from 'node:http';
import { baseHeaders } from './respond.js';

export interface JsonLines {
  /** Writes one object; the 200 goes out with the first. */
  write(obj: unknown): void;
  /** Whether anything (the 200 included) has gone out: until then the answer may still be an error. */
  readonly started: boolean;
  end(): void;
}

/** A 200 JSON-lines answer, started by its first line (as the engine starts its own). */
export function jsonLines(res: ServerResponse): JsonLines {
  const start = () => {
    if (res.headersSent) return;
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/json' });
    res.flushHeaders();
  };
  return {
    write(obj) {
      start();
      if (!res.destroyed) res.write(JSON.stringify(obj) + '\n');
    },
    get started() {
      return res.headersSent;
    },
    end() {
      start();
      res.end();
    },
  };
}
