import { describe, expect, it } from 'vitest';
import { appendJsonKey, splitJson } from '../../src/api/json-split.js';

describe('splitJson', () => {
  it('gives JSON.stringify text around the value of one key, the same key text elsewhere left alone', () => {
    const obj = {
      A: { SystemTime: 'x' },
      Labels: ['"SystemTime":"y"'],
      SystemTime: 't',
      Skip: undefined,
      Z: [1, null],
    };
    const { head, tail } = splitJson(obj, 'SystemTime');
    expect(head + JSON.stringify('now') + tail).toBe(JSON.stringify({ ...obj, SystemTime: 'now' }));
  });

  it('puts a missing key last', () => {
    const { head, tail } = splitJson({ a: 1 }, 'b');
    expect(head + '2' + tail).toBe('{"a":1,"b":2}');
    const empty = splitJson({}, 'b');
    expect(empty.head + '2' + empty.tail).toBe('{"b":2}');
  });
});

describe('appendJsonKey', () => {
  it('adds the key last, as parse, set and stringify would', () => {
    const text = '{"Id":"abc","Config":{"Labels":{"a":"\\"Node\\":1"}}}\n';
    const node = { Name: 'node-0', Labels: { zone: 'a' } };
    const obj = JSON.parse(text) as Record<string, unknown>;
    expect(appendJsonKey(text, 'Node', node)).toBe(JSON.stringify({ ...obj, Node: node }));
  });

  it('gives up on what it cannot splice safely', () => {
    expect(appendJsonKey('{}', 'Node', 1)).toBeUndefined();
    expect(appendJsonKey('[1]', 'Node', 1)).toBeUndefined();
    expect(appendJsonKey('{"Labels":{"Node":"x"}}', 'Node', 1)).toBeUndefined();
  });
});
