// The key that seals secrets: its three spellings, where it comes from, and the one Shoal makes (0600,
// made once, then reused).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keySource, parseKey, SecretsKey } from '../../src/secrets/key.js';
import { setLogSink } from '../../src/log.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'shoal-key-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
setLogSink(() => undefined);

describe('the secrets key', () => {
  it('reads 32 raw bytes, 64 hex digits, or base64, and refuses anything else', () => {
    const k = Buffer.alloc(32, 7);
    expect(parseKey(k, 'f')).toEqual(k);
    expect(parseKey(Buffer.from(`${k.toString('hex')}\n`), 'f')).toEqual(k);
    expect(parseKey(Buffer.from(k.toString('base64')), 'f')).toEqual(k);
    expect(() => parseKey(Buffer.from('short'), 'f')).toThrow(
      '--secrets-key-file f: expected a 32-byte key (32 raw bytes, 64 hex digits or base64)',
    );
  });

  it('comes from the flag, else beside a file store, else nowhere (Consul)', () => {
    expect(keySource('/k', '/var/lib/shoal/state.json')).toEqual({ file: '/k', create: false });
    expect(keySource(undefined, '/var/lib/shoal/state.json')).toEqual({
      file: '/var/lib/shoal/secrets.key',
      create: true,
    });
    expect(keySource(undefined, undefined)).toMatchObject({
      missing: expect.stringMatching(/--secrets-key-file/) as string,
    });
  });

  it('is made once beside the store, mode 0600, and read back the same after a restart', async () => {
    const dir = tempDir();
    const file = join(dir, 'secrets.key');
    const first = await new SecretsKey({ file, create: true }).get();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('hex'));
    expect(await new SecretsKey({ file, create: true }).get()).toEqual(first);
  });

  it('says what is wrong: no key with Consul (503), an unreadable file', async () => {
    await expect(new SecretsKey({ missing: 'no key' }).get()).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'no key',
    });
    const file = join(tempDir(), 'later');
    const key = new SecretsKey({ file, create: false });
    await expect(key.get()).rejects.toThrow(/the key that seals secrets \(.*later\) cannot be read/);
    // A file put there meanwhile is read on the next use.
    writeFileSync(file, Buffer.alloc(32, 1), { mode: 0o600 });
    expect(await key.get()).toEqual(Buffer.alloc(32, 1));
  });
});
