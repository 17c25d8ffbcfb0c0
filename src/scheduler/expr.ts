// Classic Swarm's scheduling expressions: `key==value`, `key!=value`, soft `~`, anchored globs, `/regex/`.
import { goRegExp, goRegExpError, type GoRegExp } from '../docker/go-regexp.js';

export interface Expr {
  /** Lower-cased key: node, a label name, container, image… */
  readonly key: string;
  readonly op: '==' | '!=';
  /** Without the soft marker. */
  readonly value: string;
  readonly soft: boolean;
}

export class ExprError extends Error {
  override name = 'ExprError';
}

const KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE = /^[=!/]?(~)?[a-z0-9:\-_\s.*/()?+[\]\\^$|]+$/i;

/** Parses one expression (the part after `constraint:`), with classic's checks and error texts. */
export function parseExpr(text: string): Expr {
  for (const op of ['==', '!='] as const) {
    const at = text.indexOf(op);
    if (at < 0) continue;
    const key = text.slice(0, at);
    const value = text.slice(at + op.length);
    if (!KEY.test(key)) throw new ExprError(`Key '${key}' is invalid`);
    if (!VALUE.test(value)) throw new ExprError(`Value '${value}' is invalid`);
    return { key: key.toLowerCase(), op, value: value.replace(/^~+/, ''), soft: value.startsWith('~') };
  }
  throw new ExprError('One of operator ==, != is expected');
}

/** The Go pattern of a value: `/re/` unanchored, anything else a glob anchored at both ends (* = any run). */
function goPattern(value: string): string {
  if (value.length >= 2 && value.startsWith('/') && value.endsWith('/')) return value.slice(1, -1);
  return `^${value.replace(/\*/g, '.*')}$`;
}

/** The compiled value, or undefined when Go refuses the pattern (classic logged it and matched nothing). */
export function exprPattern(value: string): GoRegExp | undefined {
  return goRegExp(goPattern(value));
}

/** Go's error text when it refuses the value's pattern, for the explanation of a failed placement. */
export function exprPatternError(value: string): string | undefined {
  return goRegExpError(goPattern(value));
}

/** `==` holds when any subject matches; `!=` when none does (a node with no subject matches `!=`). */
export function matchExpr(e: Expr, subjects: Iterable<string>): boolean {
  const re = exprPattern(e.value);
  let hit = false;
  if (re) {
    for (const s of subjects) {
      if (re.test(s)) {
        hit = true;
        break;
      }
    }
  }
  return e.op === '==' ? hit : !hit;
}

export function exprText(e: Expr): string {
  return `${e.key}${e.op}${e.soft ? '~' : ''}${e.value}`;
}
