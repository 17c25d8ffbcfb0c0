// Expressions compiled once per request: a plain word becomes a Set lookup, anything else one Go (RE2) pattern.
import type { GoRegExp } from '../docker/go-regexp.js';
import { exprPattern, type Expr } from './expr.js';

export interface Matcher {
  /** A literal value (no glob or regex): compared directly. */
  readonly literal?: string;
  /** Absent for a literal, and for a pattern Go refuses (it matches nothing). */
  readonly re?: GoRegExp;
  readonly eq: boolean;
}

const LITERAL = /^[A-Za-z0-9_\-:]+$/;
/** Kept on the expression itself (not enumerable): looked up per node, so a WeakMap would cost too much. */
const COMPILED = Symbol('matcher');

export function matcherOf(e: Expr): Matcher {
  const holder = e as Expr & { [COMPILED]?: Matcher };
  let m = holder[COMPILED];
  if (!m) {
    m = LITERAL.test(e.value)
      ? { literal: e.value, eq: e.op === '==' }
      : { re: exprPattern(e.value), eq: e.op === '==' };
    Object.defineProperty(holder, COMPILED, { value: m, enumerable: false });
  }
  return m;
}

/** One subject (a node label, a node name): `==` holds when it matches, `!=` when it does not. */
export function matchOne(m: Matcher, subject: string): boolean {
  const hit = m.literal !== undefined ? subject === m.literal : (m.re?.test(subject) ?? false);
  return hit === m.eq;
}

/** A set of subjects (containers, images, label values on a node): any for `==`, none for `!=`. */
export function matchAny(m: Matcher, subjects: ReadonlySet<string>): boolean {
  let hit = false;
  if (m.literal !== undefined) {
    hit = subjects.has(m.literal);
  } else if (m.re) {
    for (const s of subjects) {
      if (m.re.test(s)) {
        hit = true;
        break;
      }
    }
  }
  return hit === m.eq;
}
