// Generated bad query values, path tricks and scheduling expressions for the fuzz suites, each labelled with
// what Docker 20.10 answers it.
import fc from 'fast-check';
import type { EngineAnswer, FuzzCase, FuzzTargets } from './fuzz-cases.js';

const enc = encodeURIComponent;

function q(kind: string, method: string, path: string, engine: EngineAnswer, body?: string): FuzzCase {
  return { kind, method, path, engine, ...(body === undefined ? {} : { body }) };
}

const GARBAGE_JSON = fc.oneof(
  fc.constantFrom(
    'x',
    '{',
    '{"a":',
    '[]',
    '"x"',
    '1',
    '{"status":"x"}',
    '{"a":{"b":"yes"}}',
    ' ',
    '{}x',
    'nul',
  ),
  fc.string({ maxLength: 20 }).map((s) => `x${s}`),
);

const INT_TEXTS: [string, EngineAnswer][] = [
  ['abc', 'refuse'],
  ['1.5', 'refuse'],
  ['99999999999999999999', 'refuse'],
  [' 3', 'refuse'],
  ['0x10', 'refuse'],
  ['1_0', 'refuse'],
  ['1e3', 'refuse'],
  ['+3', 'accept'],
  ['-5', 'accept'],
  ['', 'accept'],
  ['9223372036854775807', 'accept'],
];

/** Bad (and a few good) values of the query parameters Shoal reads itself. */
export function queryCases(t: FuzzTargets): fc.Arbitrary<FuzzCase> {
  const ps = (kind: string, query: string, engine: EngineAnswer) =>
    q(kind, 'GET', `/containers/json?${query}`, engine);
  const psFilter = (filters: unknown, engine: EngineAnswer) =>
    ps('ps filters', `all=1&filters=${enc(JSON.stringify(filters))}`, engine);
  return fc.oneof(
    fc.constantFrom('maybe', '1', '0', 'TRUE', '', '%00').map((v) => ps('ps all', `all=${v}`, 'accept')),
    fc.constantFrom(...INT_TEXTS).map(([v, a]) => ps('ps limit', `limit=${enc(v)}`, a)),
    fc.integer().map((n) => ps('ps limit', `limit=${n}`, 'accept')),
    GARBAGE_JSON.map((f) => ps('ps filters', `filters=${enc(f)}`, 'refuse')),
    fc
      .constantFrom(
        [{ nope: ['x'] }, 'refuse4'] as const,
        [{ status: ['x'] }, 'refuse4'] as const,
        [{ status: ['running'] }, 'accept'] as const,
        [{ health: ['x'] }, 'refuse4'] as const,
        [{ 'is-task': ['x'] }, 'refuse4'] as const,
        [{ 'is-task': ['1'] }, 'accept'] as const,
        [{ exited: ['x'] }, 'refuse'] as const,
        [{ exited: ['99999999999999999999'] }, 'refuse'] as const,
        [{ exited: ['+0'] }, 'accept'] as const,
        [{ publish: ['x'] }, 'refuse'] as const,
        [{ publish: ['99999'] }, 'refuse'] as const,
        [{ expose: ['x/y/z'] }, 'refuse'] as const,
        [{ publish: ['80:80'] }, 'refuse'] as const,
        [{ publish: ['8000-8080/udp'] }, 'accept'] as const,
        [{ name: ['('] }, 'accept'] as const,
        [{ label: ['='] }, 'accept'] as const,
        [{ before: ['nope-no-such'] }, 'refuse'] as const,
        [{ status: { running: 'yes' } }, 'refuse'] as const,
      )
      .map(([f, a]) => psFilter(f, a)),
    fc
      .tuple(
        fc.constantFrom(
          ...INT_TEXTS.filter(([v]) => v !== '1.5'),
          ['1.5', 'accept'] as const,
          ['1.-5', 'accept'] as const,
          ['1.x', 'refuse'] as const,
          ['1.', 'refuse'] as const,
          ['-1', 'accept'] as const,
          ['1.1234567891', 'accept'] as const,
        ),
        fc.constantFrom('2', '3.5'),
      )
      .map(([[since, a], until]) =>
        q(
          'events since',
          'GET',
          `/events?since=${enc(since)}&until=${until}`,
          a === 'accept' && Number(since) > Number(until) ? 'refuse4' : a,
        ),
      ),
    // Never an unset `until` (empty, -1): the stream would not end.
    fc
      .constantFrom('abc', '1e5', '99999999999999999999', '2.x')
      .map((v) => q('events until', 'GET', `/events?since=1&until=${enc(v)}`, 'refuse')),
    GARBAGE_JSON.map((f) => q('events filters', 'GET', `/events?until=1&filters=${enc(f)}`, 'refuse')),
    fc
      .constantFrom(
        ['true', 'accept'],
        ['false', 'accept'],
        ['x', 'refuse4'],
        ['1', 'refuse4'],
        ['TRUE', 'refuse4'],
      )
      .map(([v, a]) =>
        q(
          'images dangling',
          'GET',
          `/images/json?filters=${enc(JSON.stringify({ dangling: [v] }))}`,
          a as EngineAnswer,
        ),
      ),
    fc
      .constantFrom(['true', 'accept'], ['0', 'accept'], ['x', 'refuse4'], ['TRUE', 'refuse4'])
      .map(([v, a]) =>
        q(
          'volumes dangling',
          'GET',
          `/volumes?filters=${enc(JSON.stringify({ dangling: [v] }))}`,
          a as EngineAnswer,
        ),
      ),
    GARBAGE_JSON.map((f) => q('volumes filters', 'GET', `/volumes?filters=${enc(f)}`, 'refuse4')),
    GARBAGE_JSON.map((f) => q('networks filters', 'GET', `/networks?filters=${enc(f)}`, 'refuse')),
    fc
      .constantFrom(['x', 'refuse'], ['custom', 'accept'])
      .map(([v, a]) =>
        q(
          'networks type',
          'GET',
          `/networks?filters=${enc(JSON.stringify({ type: [v] }))}`,
          a as EngineAnswer,
        ),
      ),
    fc
      .constantFrom('x', '{"a":1}', '[]', '{"a":', '"s"')
      .map((v) => q('build args', 'POST', `/build?buildargs=${enc(v)}`, 'refuse4')),
    fc
      .constantFrom(
        ['!!', 'refuse4'] as const,
        ['UPPER', 'refuse4'] as const,
        ['a//b', 'refuse4'] as const,
        ['', 'refuse'] as const,
      )
      .map(([v, a]) => q('pull reference', 'POST', `/images/create?fromImage=${enc(v)}`, a)),
    fc
      .constantFrom('!!', 'a b', '-x')
      .map((v) => q('pull tag', 'POST', `/images/create?fromImage=busybox&tag=${enc(v)}`, 'refuse4')),
    fc
      .constantFrom('', 'a', 'a b', '-x', '/', '%00')
      .map((v) =>
        q('rename', 'POST', `/containers/${t.container}/rename?name=${v === '%00' ? v : enc(v)}`, 'refuse4'),
      ),
    fc
      .constantFrom(['maybe', 'accept'], ['1', 'accept'], ['', 'refuse4'], ['0', 'refuse4'])
      .map(([v, a]) =>
        q('volume rm force', 'DELETE', `/volumes/fz-no-such-volume?force=${v}`, a as EngineAnswer),
      ),
    GARBAGE_JSON.map((f) => q('prune filters', 'POST', `/containers/prune?filters=${enc(f)}`, 'refuse')),
  );
}

/** IDs that are no ID: dot segments, encoded slashes, NUL, 10k characters, unicode, bad escapes. */
const TRICK_IDS = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '%2E%2E',
    '..%2F..%2Fetc',
    '%2F',
    'a%2Fb',
    '%00',
    '%00abc',
    '%',
    '%ZZ',
    'x%3Fy',
    '%E5%AE%B9%E5%99%A8',
    '%F0%9F%90%B3',
    '%FF%FE',
  ),
  fc.integer({ min: 1000, max: 10_000 }).map((n) => 'z'.repeat(n)),
  fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).map((s) => enc(`q${s}`)),
);

/** Path tricks on the endpoints that take an ID or a name. */
export function pathCases(_t: FuzzTargets): fc.Arbitrary<FuzzCase> {
  return fc
    .tuple(
      TRICK_IDS,
      fc.constantFrom(
        'GET /containers/{}/json',
        'DELETE /containers/{}?force=1',
        'POST /containers/{}/start',
        'POST /containers/{}/rename?name=fzx',
        'GET /volumes/{}',
        'DELETE /volumes/{}',
        'GET /networks/{}',
        'DELETE /networks/{}',
        'GET /images/{}/json',
        'DELETE /images/{}',
        'GET /exec/{}/json',
      ),
    )
    .map(([id, route]) => {
      const [method = 'GET', pattern = ''] = route.split(' ');
      return q('path trick', method, pattern.replace('{}', id), 'refuse');
    });
}

const EXPR_KEYS = ['node', '', 'storage', '=', 'zone!', 'a b', 'é', 'k'.repeat(300), 'node.name', '_x'];
const EXPR_OPS = ['==', '!=', '=', '', '==~', '!=~', '~', '=='];
const EXPR_VALUES = [
  '/(/',
  '(',
  '[',
  '/a',
  'node-0',
  '*',
  '',
  '/node-[0-9]+/',
  '~node-1',
  'x'.repeat(5000),
  'ü',
  '/(a*)*$/',
  'a\nb',
];

/** Scheduling expressions, good and bad, in env entries and labels: Shoal's own language. */
export function schedulingCases(t: FuzzTargets): fc.Arbitrary<FuzzCase> {
  const expr = fc
    .tuple(fc.constantFrom(...EXPR_KEYS), fc.constantFrom(...EXPR_OPS), fc.constantFrom(...EXPR_VALUES))
    .map(([k, op, v]) => `${k}${op}${v}`);
  const create = (kind: string, body: unknown): FuzzCase => ({
    kind,
    method: 'POST',
    path: '/containers/create',
    body: JSON.stringify(body),
    engine: 'accept',
    shoal: true,
  });
  return fc.oneof(
    fc
      .tuple(fc.constantFrom('constraint', 'affinity', 'whitelist', 'reschedule'), expr)
      .map(([what, e]) =>
        create('scheduling env', { Image: t.image, Cmd: ['sleep', '300'], Env: [`${what}:${e}`] }),
      ),
    fc
      .tuple(
        fc.constantFrom('constraints', 'affinities', 'whitelists'),
        fc.oneof(
          expr.map((e) => JSON.stringify([e])),
          fc.constantFrom('x', '[1]', '{}', '["a"', ''),
        ),
      )
      .map(([what, v]) =>
        create('scheduling label', {
          Image: t.image,
          Cmd: ['sleep', '300'],
          Labels: { [`com.docker.swarm.${what}`]: v },
        }),
      ),
    fc
      .oneof(
        expr.map((e) => JSON.stringify([e])),
        fc.constantFrom('x', '[1]', '{"a":1}'),
      )
      .map((v) => ({
        kind: 'volume whitelist',
        method: 'POST',
        path: '/volumes/create',
        body: JSON.stringify({ Labels: { 'com.docker.swarm.whitelists': v } }),
        engine: 'accept' as const,
        shoal: true,
      })),
  );
}
