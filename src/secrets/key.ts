// The key that seals secrets: the operator's (--secrets-key-file), or one Shoal makes beside its file store
// (`<store dir>/secrets.key`, mode 0600) the first time a secret needs it. A Consul store is shared by
// managers on other machines, so there the operator must give every manager the same key file.
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApiError } from '../errors.js';
import { log } from '../log.js';
import { KEY_BYTES } from './crypto.js';

export type KeySource =
  | { file: string; create: boolean }
  /** No key can be had: why, for the error a secret's use gets. */
  | { missing: string };

/** Where the key comes from: the flag, else beside a file store, else nowhere (a Consul store). */
export function keySource(flag: string | undefined, storeFile: string | undefined): KeySource {
  if (flag) return { file: flag, create: false };
  if (storeFile) return { file: join(dirname(storeFile), 'secrets.key'), create: true };
  return {
    missing:
      'secrets need a key that every manager shares: with a Consul store, start the managers with --secrets-key-file',
  };
}

/** 32 raw bytes, or 64 hex digits, or base64 of 32 bytes (with or without a newline). */
export function parseKey(content: Buffer, file: string): Buffer {
  if (content.length === KEY_BYTES) return content;
  const text = content.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  throw new Error(
    `--secrets-key-file ${file}: expected a ${KEY_BYTES}-byte key (${KEY_BYTES} raw bytes, 64 hex digits or base64)`,
  );
}

export class SecretsKey {
  private loading: Promise<Buffer> | undefined;

  constructor(private readonly source: KeySource) {}

  /** The key (read once); made first when Shoal keeps it and it does not exist yet. */
  get(): Promise<Buffer> {
    const source = this.source;
    if ('missing' in source) return Promise.reject(ApiError.unavailable(source.missing));
    if (!this.loading) {
      const loading = load(source.file, source.create);
      // A failed read is tried again next time (a file fixed meanwhile).
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }
}

async function load(file: string, create: boolean): Promise<Buffer> {
  if (create) {
    try {
      await writeFile(file, randomBytes(KEY_BYTES).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      log.info(`Made the key that seals secrets: ${file} (keep it with the store: without it they are lost)`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw keyError(file, err);
    }
  }
  let content: Buffer;
  try {
    content = await readFile(file);
    if (((await stat(file)).mode & 0o077) !== 0) {
      log.warn(`${file} can be read by other users than its owner: chmod 600 it`);
    }
  } catch (err) {
    throw keyError(file, err);
  }
  return parseKey(content, file);
}

function keyError(file: string, err: unknown): Error {
  return ApiError.unavailable(
    `the key that seals secrets (${file}) cannot be read: ${(err as Error).message}`,
  );
}
