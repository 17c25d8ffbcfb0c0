// The API version range Shoal advertises, derived from its engines.
import {
  DEFAULT_API_VERSION,
  SHOAL_MAX_API_VERSION,
  SHOAL_MIN_API_VERSION,
  compareVersions,
  maxVersion,
  minVersion,
} from '../docker/api-version.js';
import type { Pool } from '../pool/pool.js';

/**
 * The lowest API version among the engines (so every engine can answer the client natively) and the
 * lowest minimum (Shoal raises a too-old request to what each engine accepts).
 */
export function advertisedVersions(pool: Pool): { api: string; min: string } {
  let api: string | undefined;
  let min: string | undefined;
  for (const e of pool.validated()) {
    if (!e.specs) continue;
    api = api === undefined ? e.apiVersion : minVersion(api, e.apiVersion);
    min = min === undefined ? e.specs.minApiVersion : minVersion(min, e.specs.minApiVersion);
  }
  const apiVersion = minVersion(api ?? DEFAULT_API_VERSION, SHOAL_MAX_API_VERSION);
  const minApi = maxVersion(min ?? SHOAL_MIN_API_VERSION, SHOAL_MIN_API_VERSION);
  return { api: apiVersion, min: compareVersions(minApi, apiVersion) > 0 ? apiVersion : minApi };
}
