// Go's strings.TrimSpace and strings.EqualFold, where SwarmKit's texts depend on them (constraints).
import { goRegExp } from './go-regexp.js';

/** unicode.IsSpace: ASCII spaces, NEL, NBSP and the Unicode space separators (not JavaScript's BOM). */
const SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const EDGES = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');

export function trimSpace(s: string): string {
  return s.replace(EDGES, '');
}

export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

const META = /[\\.+*?()|[\]{}^$]/g;

/**
 * Equal under Unicode simple case folding (`K` is `k` is the Kelvin sign `K`). Outside ASCII the folding is
 * Go's own, by RE2's `(?i)` (the same unicode.SimpleFold orbits EqualFold walks).
 */
export function equalFold(a: string, b: string): boolean {
  if (a === b) return true;
  if (isAscii(a) && isAscii(b)) return a.length === b.length && a.toLowerCase() === b.toLowerCase();
  return goRegExp(`(?i)^${a.replace(META, '\\$&')}$`)?.test(b) ?? false;
}
