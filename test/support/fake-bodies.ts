// How the fake engine reads request bodies: as Docker 20.10 does (CheckForJSON, Go's json.Decoder into the
// endpoint's type, Go's texts), with the status the engine answers each failure with.
import type { IncomingMessage } from 'node:http';
import { contentTypeError } from '../../src/api/body.js';
import { decodeGoJson, GoJsonError } from '../../src/docker/go-json.js';
import { goBool, goSlice, goString, goStruct, type GoType } from '../../src/docker/go-types.js';

export class FakeRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function rawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The engine's CheckForJSON (the same check as Shoal's). */
function checkForJson(req: IncomingMessage, size: number): void {
  const wrong = contentTypeError({ ...req.headers, 'content-length': String(size) });
  if (wrong) throw new FakeRefusal(400, wrong);
}

/**
 * A body decoded into a Go type. `status` is what the engine answers a decoding error with (500 for a
 * container create on 20.10, 400 elsewhere); `eof` its text for an empty body.
 */
export async function goBody(
  req: IncomingMessage,
  type: GoType,
  opts: { status: number; eof: string },
): Promise<Record<string, unknown> | null> {
  const buf = await rawBody(req);
  checkForJson(req, buf.length);
  try {
    return decodeGoJson(buf, type) as Record<string, unknown> | null;
  } catch (err) {
    if (err instanceof GoJsonError) throw new FakeRefusal(opts.status, err.eof ? opts.eof : err.message);
    throw err;
  }
}

/** A strslice (Cmd): a string or a list of strings, with the engine's text for anything else. */
export function strslice(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  const kind = Array.isArray(v)
    ? 'array'
    : typeof v === 'object'
      ? 'object'
      : typeof v === 'number'
        ? 'number'
        : 'bool';
  throw new FakeRefusal(
    500,
    `json: cannot unmarshal ${kind} into Go struct field ContainerConfigWrapper.${field} of type string`,
  );
}

const PORT = /^\d+(-\d+)?(\/\w+)?$/;

/** The engine's checks of port bindings (nat.ParsePortSpecs): the keys and the host ports. */
export function checkPortBindings(
  bindings: Record<string, { HostPort?: string }[] | null> | undefined,
): void {
  for (const [key, list] of Object.entries(bindings ?? {})) {
    if (!PORT.test(key)) throw new FakeRefusal(400, `invalid port specification: ${JSON.stringify(key)}`);
    for (const b of list ?? []) {
      if (b.HostPort && !/^\d+(-\d+)?$/.test(b.HostPort))
        throw new FakeRefusal(400, `invalid port specification: ${JSON.stringify(b.HostPort)}`);
    }
  }
}

/** types.ExecConfig, the fields the engine type-checks. */
export const EXEC_CONFIG = goStruct(
  'types.ExecConfig',
  {
    User: goString,
    Privileged: goBool,
    Tty: goBool,
    AttachStdin: goBool,
    AttachStderr: goBool,
    AttachStdout: goBool,
    Detach: goBool,
    DetachKeys: goString,
    Env: goSlice(goString),
    WorkingDir: goString,
    Cmd: goSlice(goString),
  },
  false,
);

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** The engine's container-name check (create and rename word it differently). */
export function checkName(name: string, rename: boolean): void {
  if (rename && name === '') throw new FakeRefusal(400, 'Neither old nor new names may be empty');
  if (name === '' || VALID_NAME.test(name)) return;
  const text = `Invalid container name (${rename ? `/${name.replace(/^\//, '')}` : name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`;
  throw new FakeRefusal(400, rename ? `Error when allocating new name: ${text}` : text);
}

/** The engine's reference checks before a pull: an empty reference fails as it does, then the format. */
export function checkPullReference(from: string, tag: string): void {
  if (from === '') throw new FakeRefusal(500, 'Get "http:": http: no Host in request URL');
  if (/[A-Z]/.test(from))
    throw new FakeRefusal(400, 'invalid reference format: repository name must be lowercase');
  if (
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(from)
  )
    throw new FakeRefusal(400, 'invalid reference format');
  if (tag !== '' && !/^[\w][\w.-]{0,127}$/.test(tag)) throw new FakeRefusal(400, 'invalid tag format');
}
