// Sealing a secret's data: a round trip, nothing of the data in what is stored, and every way a sealed
// record can fail to open, with texts that carry none of the data.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyId, open, seal, SealError } from '../../src/secrets/crypto.js';

const key = randomBytes(32);
const plain = Buffer.from('s3cr3t-p4ssw0rd');

describe('seal and open', () => {
  it('round-trips, and the sealed form holds neither the data nor its base64', () => {
    const sealed = seal(key, plain, 'rec1');
    expect(open(key, sealed, 'rec1')).toEqual(plain);
    const text = JSON.stringify(sealed);
    expect(text).not.toContain(plain.toString());
    expect(text).not.toContain(plain.toString('base64'));
    expect(text).not.toContain(plain.toString('hex'));
    expect(sealed.kid).toBe(keyId(key));
  });

  it('draws a new IV each time: the same data seals differently', () => {
    expect(seal(key, plain, 'a').ct).not.toBe(seal(key, plain, 'a').ct);
  });

  it('refuses another key, another record, and any changed byte, saying why without the data', () => {
    const sealed = seal(key, plain, 'rec1');
    const fail = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(SealError);
        expect((err as Error).message).not.toContain(plain.toString());
        return (err as Error).message;
      }
      throw new Error('opened');
    };
    expect(fail(() => open(randomBytes(32), sealed, 'rec1'))).toMatch(/another key/);
    expect(fail(() => open(key, sealed, 'rec2'))).toMatch(/does not authenticate/);
    const ct = Buffer.from(sealed.ct, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(fail(() => open(key, { ...sealed, ct: ct.toString('base64') }, 'rec1'))).toMatch(/authenticate/);
    expect(fail(() => open(key, { ...sealed, tag: Buffer.alloc(16).toString('base64') }, 'rec1'))).toMatch(
      /authenticate/,
    );
  });
});
