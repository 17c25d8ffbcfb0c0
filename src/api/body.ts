// Reading request bodies that Shoal itself must understand (JSON), with a size limit.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { decodeGoJson, GoJsonError } from '../docker/go-json.js';
import type { GoType } from '../docker/go-types.js';
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

/** Media types as Go's mime.ParseMediaType takes them: `type/subtype` and well-formed parameters. */
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const PARAM = new RegExp(`^\\s*${TOKEN}\\s*=\\s*(${TOKEN}|"([^"\\\\]|\\\\.)*")\\s*$`);

/** The engine's CheckForJSON: a body must say it is JSON (no Content-Type is fine only without a body). */
export function contentTypeError(headers: IncomingHttpHeaders): string | undefined {
  const ct = headers['content-type'] ?? '';
  const chunked = headers['transfer-encoding'] !== undefined;
  if (ct === '' && !chunked && Number(headers['content-length'] ?? '0') === 0) return undefined;
  const [media = '', ...params] = ct.split(';');
  if (params.length > 0 && params[params.length - 1]?.trim() === '') params.pop();
  if (media.trim().toLowerCase() === 'application/json' && params.every((p) => PARAM.test(p)))
    return undefined;
  return `Content-Type specified (${ct}) must be 'application/json'`;
}

/**
 * A JSON body decoded as the engine decodes it (Go's json.Decoder into the endpoint's Go type): its
 * Content-Type checked, Go's texts for every error, as a 400. `onEmpty` is the endpoint's text for no body.
 */
export async function readGoBody(req: IncomingMessage, type: GoType, onEmpty: string): Promise<unknown> {
  const wrongType = contentTypeError(req.headers);
  if (wrongType) throw ApiError.invalid(wrongType);
  const buf = await readBody(req);
  try {
    return decodeGoJson(buf, type);
  } catch (err) {
    if (err instanceof GoJsonError) throw ApiError.invalid(err.eof ? onEmpty : err.message);
    throw err;
  }
}

/** The engine's text for a body that is missing where one is required. */
export const EOF_BODY = 'got EOF while reading request body';
