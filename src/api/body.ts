// Reading request bodies that Shoal itself must understand (JSON), with a size limit.
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';

export const JSON_BODY_LIMIT = 8 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw new ApiError('tooLarge', `request body too large: ${declared} bytes (limit ${limit})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new ApiError('tooLarge', `request body too large: more than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A JSON object body; `undefined` for an empty body. Malformed JSON or a non-object is a 400. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const buf = await readBody(req);
  if (buf.length === 0 || buf.toString('utf8').trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw ApiError.invalid(`invalid JSON in request body: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw ApiError.invalid(
      `invalid JSON in request body: expected an object, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}
