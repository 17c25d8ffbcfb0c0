// Refusing API versions outside the advertised range, with the engine's own texts.
import { compareVersions } from '../docker/api-version.js';
import { ApiError } from '../errors.js';
import type { Pool } from '../pool/pool.js';
import { advertisedVersions } from './advertised.js';

let cached: { at: number; pool: Pool; value: { api: string; min: string } } | undefined;

/** The advertised range, recomputed at most every 500 ms (it changes only when engines come and go). */
export function currentVersions(pool: Pool): { api: string; min: string } {
  const now = Date.now();
  if (!cached || cached.pool !== pool || now - cached.at > 500)
    cached = { at: now, pool, value: advertisedVersions(pool) };
  return cached.value;
}

export function checkVersion(pool: Pool, version: string): void {
  if (!version) return;
  const { api, min } = currentVersions(pool);
  if (compareVersions(version, min) < 0) {
    throw ApiError.invalid(
      `client version ${version} is too old. Minimum supported API version is ${min}, please upgrade your client to a newer version`,
    );
  }
  if (compareVersions(version, api) > 0) {
    throw ApiError.invalid(`client version ${version} is too new. Maximum supported API version is ${api}`);
  }
}
