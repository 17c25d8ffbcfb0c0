// Go regular expressions for user patterns (Docker's filters, Swarm's /regex/): RE2 syntax, linear-time matching.
import { RE2JS } from 're2js';

/**
 * A compiled user pattern. Callers only test: nothing depends on JavaScript's RegExp, whose backtracking
 * lets `^(a+)+$` stall the process on a 30-character name.
 */
export interface GoRegExp {
  /** Unanchored search, as Go's `regexp.MatchString`. */
  test(s: string): boolean;
}

/** A pattern Go's regexp would refuse; the message is Go's (`error parsing regexp: …`). */
export class GoRegExpError extends Error {
  override name = 'GoRegExpError';
}

const CACHE_LIMIT = 4096;
/** Pattern → compiled pattern, or Go's error text. Filters and expressions repeat the same few patterns. */
const cache = new Map<string, GoRegExp | string>();

function compiled(pattern: string): GoRegExp | string {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let result: GoRegExp | string;
  try {
    // Default flags are Go's: Perl classes, Unicode groups, no lookbehinds (Go has none).
    result = RE2JS.compile(pattern);
  } catch (err) {
    result = err instanceof Error ? err.message : String(err);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, result);
  return result;
}

/** Compiles a Go pattern, or throws GoRegExpError with Go's error text. */
export function compileGoRegExp(pattern: string): GoRegExp {
  const c = compiled(pattern);
  if (typeof c === 'string') throw new GoRegExpError(c);
  return c;
}

/**
 * The compiled pattern, or undefined when Go would refuse it. Docker's filters and classic's expressions
 * both treat such a pattern as matching nothing, so most callers want this form.
 */
export function goRegExp(pattern: string): GoRegExp | undefined {
  const c = compiled(pattern);
  return typeof c === 'string' ? undefined : c;
}

/** Go's error text for a pattern it would refuse (`error parsing regexp: …`), or undefined when it is valid. */
export function goRegExpError(pattern: string): string | undefined {
  const c = compiled(pattern);
  return typeof c === 'string' ? c : undefined;
}
