// Checks of a secret or config before it is stored, with SwarmKit's texts as the engine wraps them
// (`rpc error: code = InvalidArgument desc = …`), and the request's Data as Go's encoding/json reads a []byte.
import { ApiError } from '../errors.js';
import type { DataKind, DataSpec, KindWords } from './types.js';

/** SwarmKit's isValidConfigOrSecretName (controlapi/common.go), at most 64 characters. */
const NAME = /^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/;

export function invalidArgument(desc: string): ApiError {
  return ApiError.invalid(`rpc error: code = InvalidArgument desc = ${desc}`);
}

/** validateConfigOrSecretAnnotations. */
export function checkName(name: string): void {
  if (name === '') throw invalidArgument('name must be provided');
  if (name.length > 64 || !NAME.test(name)) {
    throw invalidArgument(
      'invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]',
    );
  }
}

/** validateSecretSpec / validateConfigSpec, then what Shoal cannot do (external drivers, templates). */
export function checkSpec(spec: DataSpec, data: Buffer, words: KindWords): void {
  checkName(spec.Name);
  if (words.kind === 'secret' && spec.Driver) {
    if (!spec.Driver.Name) throw invalidArgument('secret driver must have a name');
    throw ApiError.notImplemented(`secret drivers (${spec.Driver.Name}) are not supported by Shoal`);
  }
  if (data.length >= words.maxBytes || data.length < 1) {
    throw invalidArgument(`${words.kind} data must be larger than 0 and less than ${words.maxBytes} bytes`);
  }
  if (spec.Templating) {
    throw ApiError.notImplemented(`${words.kind} templating is not supported by Shoal`);
  }
}

/** The Data of a request body as Go reads a []byte: base64 text, or an array of bytes; absent is empty. */
export function dataOf(value: unknown, kind: DataKind): Buffer {
  if (value === undefined || value === null) return Buffer.alloc(0);
  if (typeof value === 'string') return decodeBase64(value);
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Buffer.from(value as number[]);
  }
  const what = Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
  const struct = kind === 'secret' ? 'SecretSpec' : 'ConfigSpec';
  throw ApiError.invalid(
    `json: cannot unmarshal ${what} into Go struct field ${struct}.Data of type []uint8`,
  );
}

const B64 = /^[A-Za-z0-9+/]$/;

/** Go's base64.StdEncoding: padded, `\r` and `\n` skipped; the error names the offset of the bad input. */
export function decodeBase64(text: string): Buffer {
  const kept: string[] = [];
  let quantumStart = 0;
  let padded = false; // an '=' in this quantum
  let ended = false; // a padded quantum is complete: nothing may follow
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (c === '\r' || c === '\n') continue;
    const at = kept.length % 4;
    if (at === 0) quantumStart = i;
    if (ended) throw corrupt(i);
    if (c === '=') {
      if (at < 2) throw corrupt(i);
      padded = true;
    } else if (padded) {
      throw corrupt(i - 1); // "ab=c": Go names the byte before
    } else if (!B64.test(c)) {
      throw corrupt(i);
    }
    kept.push(c);
    if (at === 3) {
      ended = padded;
      padded = false;
    }
  }
  if (kept.length % 4 !== 0) throw corrupt(padded ? text.length : quantumStart);
  return Buffer.from(kept.join(''), 'base64');
}

function corrupt(offset: number): ApiError {
  return ApiError.invalid(`illegal base64 data at input byte ${offset}`);
}
