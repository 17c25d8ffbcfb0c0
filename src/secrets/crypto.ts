// Sealing a secret's data: AES-256-GCM under the manager's key, bound to the record it belongs to (the
// record's ID is the associated data), so a ciphertext copied into another record does not open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Sealed } from './types.js';

export const KEY_BYTES = 32;

/** A short name of a key (not a secret: a hash of it), to tell which key sealed a record. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('shoal-secrets-key').update(key).digest('hex').slice(0, 16);
}

export function seal(key: Buffer, plaintext: Buffer, recordId: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(recordId));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    kid: keyId(key),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ct: ct.toString('base64'),
  };
}

/** The data, or an error that says why not (never with any of the data in it). */
export function open(key: Buffer, sealed: Sealed, recordId: string): Buffer {
  if (sealed.kid !== keyId(key)) throw new SealError('it was sealed with another key');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(aad(recordId));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
  } catch {
    throw new SealError('it does not authenticate (damaged, or moved from another record)');
  }
}

export class SealError extends Error {
  override name = 'SealError';
}

function aad(recordId: string): Buffer {
  return Buffer.from(`shoal-secret:${recordId}`);
}
