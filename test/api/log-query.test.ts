// The service logs query: the engine's booleans, and its refusals with its texts.
import { expect, it } from 'vitest';
import { parseLogQuery } from '../../src/api/log-query.js';
import { ApiError } from '../../src/errors.js';

const parse = (q: string) => parseLogQuery(new URLSearchParams(q));

it('reads what the Docker CLI sends', () => {
  expect(parse('details=1&follow=1&stderr=1&stdout=1&tail=1&since=1700000000&timestamps=1')).toEqual({
    stdout: true,
    stderr: true,
    follow: true,
    timestamps: true,
    details: true,
    tail: '1',
    since: '1700000000',
  });
  expect(parse('stdout=1&tail=all')).toMatchObject({ stderr: false, follow: false, tail: undefined });
  expect(parse('stderr=yes&tail=%2B5&since=1.5')).toMatchObject({ stdout: false, tail: '5', since: '1.5' });
});

it.each([
  ['', 'Bad parameters: you must choose at least one stream'],
  ['stdout=0&stderr=false', 'Bad parameters: you must choose at least one stream'],
  ['stdout=1&tail=ALL', 'tail value must be a positive integer or "all"'],
  ['stdout=1&tail=1.5', 'tail value must be a positive integer or "all"'],
  ['stdout=1&tail=-1', 'negative tail values not supported'],
  [
    'stdout=1&since=yesterday',
    'could not parse since timestamp: strconv.ParseInt: parsing "yesterday": invalid syntax',
  ],
  ['stdout=1&since=1.x', 'could not parse since timestamp: strconv.ParseInt: parsing "x": invalid syntax'],
])('refuses %j: %s', (q, message) => {
  let caught: unknown;
  try {
    parse(q);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ApiError);
  expect(caught).toMatchObject({ kind: 'invalid', message });
});
