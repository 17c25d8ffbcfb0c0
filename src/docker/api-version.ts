// Docker API versions ("1.41"): comparison and clamping, so each engine is spoken to at a version it accepts.

/** The newest API version Shoal knows the shape of. */
export const SHOAL_MAX_API_VERSION = '1.51';
/** What Shoal advertises while it has no engine to derive a version from. */
export const DEFAULT_API_VERSION = '1.41';
/** The oldest API version Shoal itself accepts from clients (what the Docker CLI falls back to). */
export const SHOAL_MIN_API_VERSION = '1.24';

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number(x));
  const pb = b.split('.').map((x) => Number(x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function minVersion(a: string, b: string): string {
  return compareVersions(a, b) <= 0 ? a : b;
}

export function maxVersion(a: string, b: string): string {
  return compareVersions(a, b) >= 0 ? a : b;
}

export function clampVersion(v: string, lo: string, hi: string): string {
  return minVersion(maxVersion(v, lo), hi);
}

export function isVersion(v: string): boolean {
  return /^\d+\.\d+$/.test(v);
}
