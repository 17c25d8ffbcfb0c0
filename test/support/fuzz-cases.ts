// Generated bad requests for the fuzz suites, each labelled with what Docker 20.10 answers it (by
// construction; the e2e suite checks the labels against a real engine).
import fc from 'fast-check';
import {
  CONTAINER_CREATE,
  NETWORK_CONNECT,
  NETWORK_CREATE,
  NETWORK_DISCONNECT,
  VOLUME_CREATE,
} from '../../src/docker/api-bodies.js';
import { mismatch, type GoType, type JsonKind } from '../../src/docker/go-types.js';
import { EXEC_CONFIG } from './fake-bodies.js';
import { pathCases, queryCases, schedulingCases } from './fuzz-queries.js';

/** refuse4: the engine answers 4xx; refuse: 4xx or 5xx; accept: 2xx; any: it depends. */
export type EngineAnswer = 'refuse4' | 'refuse' | 'accept' | 'any';

export interface FuzzCase {
  readonly kind: string;
  readonly method: string;
  /** Path and query, percent-encoded, without the version prefix. */
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly engine: EngineAnswer;
  /** Shoal's own semantics (scheduling expressions): no engine is an oracle, only 2xx, 400 or 503 are right. */
  readonly shoal?: boolean;
}

export interface FuzzTargets {
  /** An image every engine has. */
  readonly image: string;
  /** A running container (exec, connect, rename). */
  readonly container: string;
  /** A network every engine has. */
  readonly network: string;
}

interface BodyEndpoint {
  readonly path: string;
  readonly type: GoType & { kind: 'struct' };
  readonly base: () => fc.Arbitrary<Record<string, unknown>>;
  /** The engine's answer to a decoding error (20.10 answers a container create's with 500). */
  readonly decodeError: EngineAnswer;
  /** Its answer to `null` (Go decodes it to the zero struct). */
  readonly onNull: EngineAnswer;
}

const NAME = fc.stringMatching(/^[a-z][a-z0-9]{5,10}$/).map((s) => `fz${s}`);

function endpoints(t: FuzzTargets): BodyEndpoint[] {
  return [
    {
      path: '/containers/create',
      type: CONTAINER_CREATE,
      base: () => fc.constant({ Image: t.image, Cmd: ['sleep', '300'] }),
      decodeError: 'refuse',
      onNull: 'refuse4',
    },
    {
      path: '/volumes/create',
      type: VOLUME_CREATE,
      base: () => fc.constant({}),
      decodeError: 'refuse4',
      onNull: 'accept',
    },
    {
      path: '/networks/create',
      type: NETWORK_CREATE,
      base: () => NAME.map((Name) => ({ Name })),
      decodeError: 'refuse4',
      onNull: 'refuse',
    },
    {
      path: `/networks/${t.network}/connect`,
      type: NETWORK_CONNECT,
      base: () => fc.constant({ Container: t.container }),
      decodeError: 'refuse4',
      onNull: 'refuse4',
    },
    {
      path: `/networks/${t.network}/disconnect`,
      type: NETWORK_DISCONNECT,
      base: () => fc.constant({ Container: t.container }),
      decodeError: 'refuse4',
      onNull: 'refuse4',
    },
    {
      path: `/containers/${t.container}/exec`,
      type: EXEC_CONFIG,
      base: () => fc.constant({ Cmd: ['true'] }),
      decodeError: 'refuse4',
      onNull: 'refuse4',
    },
  ];
}

/** Every typed place in a Go type: field paths into structs, `*` for a map value or list element. */
function typedPlaces(type: GoType, prefix: string[] = []): { path: string[]; type: GoType }[] {
  if (type.kind === 'any' || prefix.length > 6) return [];
  const here = prefix.length > 0 ? [{ path: prefix, type }] : [];
  if (type.kind === 'struct')
    return [...here, ...Object.entries(type.fields).flatMap(([k, t]) => typedPlaces(t, [...prefix, k]))];
  if (type.kind === 'map' || type.kind === 'slice')
    return [...here, ...typedPlaces(type.elem, [...prefix, '*'])];
  return here;
}

const VALUES: [JsonKind, string, unknown][] = [
  ['object', '', { x: 1 }],
  ['array', '', [1]],
  ['string', '', 'text'],
  ['number', '1', 1],
  ['number', '1.5', 1.5],
  ['number', '-1', -1],
  ['bool', '', true],
];
/** Number literals JSON.stringify never writes, for integer fields. */
const RAW_NUMBERS = ['1.0', '1e3', '99999999999999999999', '-9223372036854775809', '1E400'];

function casedKey(key: string, how: number): string {
  return how === 1 ? key.toLowerCase() : how === 2 ? key.toUpperCase() : key;
}

/** The JSON around one value at a typed place: `{"HostConfig":{"PortBindings":{"k":[<value>]}}}`. */
function around(type: GoType | undefined, path: string[], value: string, how: number): string {
  const [seg, ...rest] = path;
  if (seg === undefined || !type) return value;
  if (type.kind === 'struct')
    return `{${JSON.stringify(casedKey(seg, how))}:${around(type.fields[seg], rest, value, 0)}}`;
  if (type.kind === 'map') return `{"k":${around(type.elem, rest, value, 0)}}`;
  if (type.kind === 'slice') return `[${around(type.elem, rest, value, 0)}]`;
  return value;
}

/** A body with one value of a type Go refuses at a typed place (its top key sometimes in another case). */
function wrongTyped(e: BodyEndpoint): fc.Arbitrary<FuzzCase> {
  const places = typedPlaces(e.type);
  const choices = [
    ...VALUES.map(([k, l, v]) => [k, l || String(v), JSON.stringify(v)] as const),
    ...RAW_NUMBERS.map((n) => ['number', n, n] as const),
  ];
  return fc
    .tuple(e.base(), fc.constantFrom(...places), fc.constantFrom(...choices), fc.nat(2))
    .filter(([, place, [kind, literal]]) => mismatch(kind, literal, place.type) !== undefined)
    .map(([base, place, [, , text], how]) => {
      const inner = around(e.type, place.path, text, how);
      const rest = JSON.stringify(base).slice(1, -1);
      return {
        kind: `wrong type ${e.path.split('/').pop() ?? ''} ${place.path.join('.')}`,
        method: 'POST',
        path: e.path,
        body: `{${rest}${rest ? ',' : ''}${inner.slice(1)}`,
        engine: e.decodeError,
      };
    });
}

const BAD_TOKENS = [
  'tru',
  'nul',
  'fals',
  "'x'",
  '01',
  '-',
  '1.',
  '1e',
  '+1',
  '.5',
  'NaN',
  'Infinity',
  'undefined',
  '"\\x"',
  '"\\u12g4"',
  '"a\u0001b"',
  '"open',
  '[1,]',
  '{"a" 1}',
  '{1:2}',
  ',',
  '{"a":1,}',
  '[1 2]',
  '}',
];

/** Bodies Go cannot parse: bad tokens, truncations, garbage, nothing. */
function malformed(e: BodyEndpoint): fc.Arbitrary<FuzzCase> {
  const eof: EngineAnswer = e.path === '/containers/create' ? 'refuse' : 'refuse4';
  return fc
    .oneof(
      fc
        .tuple(fc.constantFrom(...BAD_TOKENS), fc.string({ maxLength: 8 }))
        .map(([bad, key]) => `{${JSON.stringify(key)}:${bad}}`),
      fc.tuple(e.base(), fc.jsonValue({ maxDepth: 3 })).chain(([base, extra]) => {
        const text = JSON.stringify({ ...base, 'X-Fuzz': extra });
        return fc.nat(text.length - 2).map((k) => text.slice(0, k + 1));
      }),
      fc
        .tuple(fc.constantFrom(..."x'}]:,;<#\\"), fc.string({ maxLength: 40, unit: 'binary' }))
        .map(([a, b]) => a + b),
    )
    .map((body) => ({
      kind: `malformed ${e.path.split('/').pop() ?? ''}`,
      method: 'POST',
      path: e.path,
      body,
      engine: e.decodeError,
    }))
    .chain((c) =>
      fc.constantFrom<FuzzCase>(
        c,
        c,
        c,
        { ...c, body: '', engine: eof, kind: 'empty body' },
        { ...c, body: ' \n\t', engine: eof, kind: 'blank body' },
      ),
    );
}

/** Top-level values that are no object, deep nesting, huge bodies, the wrong Content-Type. */
function shapes(e: BodyEndpoint): fc.Arbitrary<FuzzCase> {
  const c = (kind: string, body: string, engine: EngineAnswer, contentType?: string): FuzzCase => ({
    kind,
    method: 'POST',
    path: e.path,
    body,
    engine,
    ...(contentType === undefined ? {} : { contentType }),
  });
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .constantFrom('[]', '"x"', '1', 'true', '[{}]', '-0')
        .map((b) => c('not an object', b, e.decodeError)),
    },
    { weight: 2, arbitrary: fc.constant(c('null body', 'null', e.onNull)) },
    {
      weight: 2,
      arbitrary: fc
        .integer({ min: 10_001, max: 100_000 })
        .map((n) => c('deep open', '['.repeat(n), e.decodeError)),
    },
    {
      weight: 2,
      arbitrary: fc
        .integer({ min: 10_001, max: 30_000 })
        .map((n) => c('too deep', `{"X":${'['.repeat(n)}${']'.repeat(n)}}`, e.decodeError)),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 2, max: 6 })
        .map((mb) =>
          c('huge', `{"${firstStringField(e.type)}":["${'x'.repeat(mb * 1024 * 1024)}"]}`, e.decodeError),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          e.base(),
          fc.constantFrom(
            'text/plain',
            'application/x-tar',
            'json',
            'application/jsonx',
            'application/json;;',
          ),
        )
        .map(([base, ct]) => c('content type', JSON.stringify(base), 'refuse4', ct)),
    },
  );
}

function firstStringField(t: GoType & { kind: 'struct' }): string {
  return Object.entries(t.fields).find(([, f]) => f.kind === 'string')?.[0] ?? 'Name';
}

/** Everything generated, weighted toward the body cases. */
export function fuzzCase(t: FuzzTargets): fc.Arbitrary<FuzzCase> {
  const bodies = endpoints(t).flatMap((e) => [
    { weight: 6, arbitrary: wrongTyped(e) },
    { weight: 4, arbitrary: malformed(e) },
    { weight: 2, arbitrary: shapes(e) },
  ]);
  return fc.oneof(
    ...bodies,
    { weight: 8, arbitrary: queryCases(t) },
    { weight: 5, arbitrary: pathCases(t) },
    { weight: 4, arbitrary: schedulingCases(t) },
  );
}
