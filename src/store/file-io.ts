// The store file on disk: read it (with an identity to notice another writer), replace it crash-safely, and
// clean up the temp files an interrupted replace leaves behind.
import type { Stats } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { log } from '../log.js';
import { StoreCorruptError, StoreUnavailableError } from './errors.js';
import { decode, encode, type FileBody } from './file-format.js';

/** A temp file older than this is a crashed writer's leftover. */
const LEFTOVER_AGE_MS = 60_000;

/** What tells a file replaced by another writer from the one last read or written. */
export function identity(s: Stats): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

/** The file's identity now; undefined when it does not exist (or cannot be seen). */
export async function currentIdentity(path: string): Promise<string | undefined> {
  const s = await stat(path).catch(() => undefined);
  return s && identity(s);
}

/** The file's body and identity; undefined when it does not exist. */
export async function load(path: string): Promise<{ body: FileBody; seen: string } | undefined> {
  let text: string;
  let seen: string;
  try {
    const fh = await open(path, 'r');
    try {
      seen = identity(await fh.stat());
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreUnavailableError(`file ${path}`, (err as Error).message);
  }
  const decoded = decode(text);
  if ('problem' in decoded) throw new StoreCorruptError(path, decoded.problem);
  return { body: decoded.body, seen };
}

/**
 * Replaces the file with the body through the temp file `tmp`; returns the new file's identity. Order
 * matters: the content is durable in the temp file before the rename makes it the file, and the rename is
 * durable once the directory is synced. A crash at any point leaves the old file or the new one.
 */
export async function replace(path: string, tmp: string, body: FileBody): Promise<string> {
  let seen: string;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(encode(body));
      await fh.sync();
      seen = identity(await fh.stat());
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new StoreUnavailableError(`file ${path}`, (err as Error).message);
  }
  await syncDir(dirname(path));
  return seen;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    log.warn(`Could not sync directory ${dir} after writing the cluster state: ${(err as Error).message}`);
  }
}

export async function removeLeftovers(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.startsWith(prefix)) continue;
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (!s || Date.now() - s.mtimeMs < LEFTOVER_AGE_MS) continue;
    await rm(join(dir, name), { force: true }).catch(() => undefined);
    log.info(`Removed ${join(dir, name)}, left by an interrupted write of the cluster state`);
  }
}
