// A secret's or config's spec and data as the engine checks them: SwarmKit's names and sizes, Go's base64.
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/secrets/types.js';
import { checkName, checkSpec, dataOf, decodeBase64 } from '../../src/secrets/validate.js';

const INVALID_NAME =
  'rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]';

describe('names', () => {
  it('takes what SwarmKit takes', () => {
    for (const ok of ['db', 'a', 'A.b-c_d', 'x'.repeat(64), 'my_app.conf', '9lives']) {
      expect(() => checkName(ok), ok).not.toThrow();
    }
  });

  it("refuses the rest with SwarmKit's text", () => {
    expect(() => checkName('')).toThrow('rpc error: code = InvalidArgument desc = name must be provided');
    for (const bad of ['-db', 'db-', '.x', 'x_', 'a b', 'a/b', 'é', 'x'.repeat(65)]) {
      expect(() => checkName(bad), bad).toThrow(INVALID_NAME);
    }
  });
});

describe('specs', () => {
  const spec = (extra = {}) => ({ Name: 'db', Labels: {}, ...extra });

  it('needs data of 1 byte up to the limit, exclusive', () => {
    expect(() => checkSpec(spec(), Buffer.alloc(0), KINDS.secret)).toThrow(
      'rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 512000 bytes',
    );
    expect(() => checkSpec(spec(), Buffer.alloc(512000), KINDS.secret)).toThrow(/less than 512000/);
    expect(() => checkSpec(spec(), Buffer.alloc(511999), KINDS.secret)).not.toThrow();
    expect(() => checkSpec(spec(), Buffer.alloc(1024000), KINDS.config)).toThrow(
      'config data must be larger than 0 and less than 1024000 bytes',
    );
  });

  it('refuses what Shoal cannot do: secret drivers, templates', () => {
    expect(() => checkSpec(spec({ Driver: { Name: '' } }), Buffer.alloc(0), KINDS.secret)).toThrow(
      'secret driver must have a name',
    );
    expect(() => checkSpec(spec({ Driver: { Name: 'vault' } }), Buffer.alloc(0), KINDS.secret)).toThrow(
      expect.objectContaining({ kind: 'notImplemented' }),
    );
    expect(() => checkSpec(spec({ Templating: { Name: 'golang' } }), Buffer.from('x'), KINDS.config)).toThrow(
      'config templating is not supported by Shoal',
    );
  });
});

describe('data as Go reads a []byte', () => {
  it('decodes base64 (newlines skipped), byte arrays, and absent as empty', () => {
    expect(dataOf('czNjcjN0', 'secret').toString()).toBe('s3cr3t');
    expect(dataOf('czNj\r\ncjN0', 'secret').toString()).toBe('s3cr3t');
    expect(dataOf([104, 105], 'secret').toString()).toBe('hi');
    expect(dataOf(undefined, 'secret').length).toBe(0);
    expect(dataOf(null, 'config').length).toBe(0);
  });

  it("answers Go's texts for what it cannot read", () => {
    expect(() => dataOf(5, 'secret')).toThrow(
      'json: cannot unmarshal number into Go struct field SecretSpec.Data of type []uint8',
    );
    expect(() => dataOf({}, 'config')).toThrow(
      'json: cannot unmarshal object into Go struct field ConfigSpec.Data of type []uint8',
    );
    const cases: [string, number][] = [
      ['abc', 0],
      ['abcde', 4],
      ['ab!d', 2],
      ['a===', 1],
      ['ab=', 3],
      ['ab=c', 2],
      ['abc=d', 4],
      ['ab==cd==', 4],
    ];
    for (const [text, at] of cases) {
      expect(() => decodeBase64(text), text).toThrow(`illegal base64 data at input byte ${at}`);
    }
    expect(decodeBase64('').length).toBe(0);
    expect(decodeBase64('YQ==').toString()).toBe('a');
  });
});
