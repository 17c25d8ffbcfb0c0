// A JSON array answer written while it is produced: items (JSON texts) go out in chunks of about 64 KiB,
// each after the client has taken the last; a short answer goes out whole, with its length.
import type { ServerResponse } from 'node:http';
import { baseHeaders } from './respond.js';

const CHUNK_CHARS = 64 * 1024;

/** Resolves when the response can take more, or when the client has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Sends `[item,item,…]\n` (what JSON.stringify of the items' values gives, plus Docker's newline). */
export async function sendJsonArray(
  res: ServerResponse,
  status: number,
  items: Iterable<string>,
): Promise<void> {
  let chunk = '[';
  let sep = '';
  for (const item of items) {
    chunk += sep + item;
    sep = ',';
    if (chunk.length < CHUNK_CHARS) continue;
    if (!res.headersSent) res.writeHead(status, { ...baseHeaders(), 'Content-Type': 'application/json' });
    if (res.destroyed) return;
    const more = res.write(chunk);
    chunk = '';
    if (!more) await drained(res);
  }
  chunk += ']\n';
  if (res.headersSent) {
    res.end(chunk);
    return;
  }
  res.writeHead(status, {
    ...baseHeaders(),
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(chunk),
  });
  res.end(chunk);
}
