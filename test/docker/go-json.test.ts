// Go's encoding/json as the engine answers it: every expected text below is what Docker 20.10 said to the
// same body (sent to an engine of the lab with curl).
import { describe, expect, it } from 'vitest';
import { decodeGoJson, GoJsonError, unmarshalGoJson } from '../../src/docker/go-json.js';
import { goBool, goMap, goString, goStruct } from '../../src/docker/go-types.js';
import { encodeJson } from '../../src/docker/json-text.js';

const VOLUME = goStruct('volume.VolumeCreateBody', {
  Name: goString,
  Driver: goString,
  DriverOpts: goMap(goString),
  Labels: goMap(goString),
});
const FILTERS = goMap(goMap(goBool), 'map[string]map[string]bool');

function decodeError(body: string): string {
  try {
    decodeGoJson(body, VOLUME);
  } catch (err) {
    if (err instanceof GoJsonError) return err.eof ? `EOF` : err.message;
    throw err;
  }
  return 'ok';
}

function unmarshalError(text: string): string {
  try {
    unmarshalGoJson(text, FILTERS);
  } catch (err) {
    if (err instanceof GoJsonError) return err.message;
    throw err;
  }
  return 'ok';
}

describe('decoding a body (json.Decoder)', () => {
  it.each([
    [
      '{"Name": {"x": 1}}',
      'json: cannot unmarshal object into Go struct field VolumeCreateBody.Name of type string',
    ],
    [
      '{"Name": 1.5}',
      'json: cannot unmarshal number into Go struct field VolumeCreateBody.Name of type string',
    ],
    [
      '{"Name": true}',
      'json: cannot unmarshal bool into Go struct field VolumeCreateBody.Name of type string',
    ],
    [
      '{"Labels": "x"}',
      'json: cannot unmarshal string into Go struct field VolumeCreateBody.Labels of type map[string]string',
    ],
    [
      '{"Labels": {"a": 1}}',
      'json: cannot unmarshal number into Go struct field VolumeCreateBody.Labels of type string',
    ],
    [
      '{"DriverOpts": {"a": 1}}',
      'json: cannot unmarshal number into Go struct field VolumeCreateBody.DriverOpts of type string',
    ],
    [
      '{"name": {"x": 1}}',
      'json: cannot unmarshal object into Go struct field VolumeCreateBody.Name of type string',
    ],
    ['[]', 'json: cannot unmarshal array into Go value of type volume.VolumeCreateBody'],
    ['"x"', 'json: cannot unmarshal string into Go value of type volume.VolumeCreateBody'],
    ['1', 'json: cannot unmarshal number into Go value of type volume.VolumeCreateBody'],
    ['{', 'unexpected EOF'],
    ['{"Name": "a"', 'unexpected EOF'],
    ['nul', 'unexpected EOF'],
    ['', 'EOF'],
    ['  \n', 'EOF'],
    ['{"X":' + '['.repeat(100_000), "invalid character '[' exceeded max depth"],
    ['['.repeat(100_000), "invalid character '[' exceeded max depth"],
  ])('%#: as the engine', (body, message) => {
    expect(decodeError(body)).toBe(message);
  });

  it('reads only the first value, as the engine does (what follows is never looked at)', () => {
    expect(decodeGoJson('{"Name":"b"} garbage', VOLUME)).toEqual({ Name: 'b' });
    expect(decodeGoJson('{"Name":"c"} {"x":1}', VOLUME)).toEqual({ Name: 'c' });
    expect(decodeGoJson('null', VOLUME)).toBeNull();
  });

  it('takes 10,000 levels and no more, as Go', () => {
    const ok = `{"Name":"deep","X":${'['.repeat(9999)}${']'.repeat(9999)}}`;
    expect(decodeGoJson(ok, VOLUME)).toEqual({ Name: 'deep' });
    expect(decodeError(`{"X":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)).toBe(
      "invalid character '[' exceeded max depth",
    );
  });

  it('matches keys case-insensitively, keeps the last of repeated keys, and drops unknown fields of a complete struct', () => {
    expect(decodeGoJson('{"NAME":"x","labels":{"a":"1"},"Labels":{"b":"2"},"foo":1}', VOLUME)).toEqual({
      Name: 'x',
      Labels: { a: '1', b: '2' },
    });
    expect(decodeGoJson('{"Name":"x","name":null}', VOLUME)).toEqual({ Name: 'x' });
    expect(decodeGoJson('{"Name":"\\u0041\\n"}', VOLUME)).toEqual({ Name: 'A\n' });
  });

  it.each([
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":1 "b"}', `invalid character '"' after object key:value pair`],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['[-]', "invalid character ']' in numeric literal"],
    ['[1.]', "invalid character ']' after decimal point in numeric literal"],
    ['[1e]', "invalid character ']' in exponent of numeric literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['\u00e9', "invalid character 'Ã' looking for beginning of value"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
  ])('%s: Go scanner text', (body, message) => {
    expect(decodeError(body)).toBe(message);
  });
});

describe('unmarshalling a text (json.Unmarshal, as for filters)', () => {
  it.each([
    ['x', "invalid character 'x' looking for beginning of value"],
    ['[]', 'json: cannot unmarshal array into Go value of type map[string]map[string]bool'],
    ['{"name":"x"}', 'json: cannot unmarshal string into Go value of type map[string]bool'],
    ['{"name":[1]}', 'json: cannot unmarshal array into Go value of type map[string]bool'],
    ['{"name":{"a":1}}', 'json: cannot unmarshal number into Go value of type bool'],
    ['{"name":["x"]}garbage', "invalid character 'g' after top-level value"],
    [' ', 'unexpected end of JSON input'],
    ['{"a"', 'unexpected end of JSON input'],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['tr', "invalid character ' ' in literal true (expecting 'u')"],
  ])('%s', (text, message) => {
    expect(unmarshalError(text)).toBe(message);
  });

  it('accepts null and well-formed filters', () => {
    expect(unmarshalGoJson('null', FILTERS)).toBeNull();
    expect(unmarshalGoJson('{"status":{"running":true}}', FILTERS)).toEqual({ status: { running: true } });
  });
});

describe('encodeJson', () => {
  it('writes what JSON.stringify writes, at any depth', () => {
    const samples: unknown[] = [
      { a: [1, 'x', null, true, { b: undefined, c: [] }], d: {}, e: 'q"\\\u2028' },
      [undefined, () => 1, -0, 1e21],
      'text',
      null,
    ];
    for (const s of samples) expect(encodeJson(s)).toBe(JSON.stringify(s));
    const deep = decodeGoJson(`{"X":${'['.repeat(9000)}${']'.repeat(9000)}}`);
    expect(encodeJson(deep)).toBe(`{"X":${'['.repeat(9000)}${']'.repeat(9000)}}`);
  });
});
