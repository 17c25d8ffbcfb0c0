// `constraint`: on the node's name or ID (`node`), its engine labels, or the built-in attributes.
import { exprPatternError, exprText, type Expr } from '../expr.js';
import { matchOne, matcherOf, type Matcher } from '../matcher.js';
import type { Filter, NodeSnapshot } from '../types.js';

function holdsWith(node: NodeSnapshot, key: string, m: Matcher): boolean {
  if (key !== 'node') return matchOne(m, node.labels[key] ?? '');
  // `==` holds when the ID or the name matches; `!=` when neither does.
  const hit = matchOne(m, node.id) === m.eq || matchOne(m, node.name) === m.eq;
  return hit === m.eq;
}

const holds = (node: NodeSnapshot, e: Expr) => holdsWith(node, e.key, matcherOf(e));

export const constraintFilter: Filter = {
  name: 'constraint',
  conditions: (req) => req.constraints.map((e) => `${e.key}${e.op}${e.value}`),
  prepare(req) {
    if (req.constraints.length === 0) return undefined;
    const compiled = req.constraints.map((e) => ({ key: e.key, m: matcherOf(e) }));
    return (node) => {
      for (let i = 0; i < compiled.length; i++) {
        const c = compiled[i] as { key: string; m: Matcher };
        if (!holdsWith(node, c.key, c.m)) return false;
      }
      return true;
    };
  },
  explain(node, req) {
    const e = req.constraints.find((x) => !holds(node, x));
    if (!e) return 'constraint does not hold';
    // A pattern Go refuses matches nothing, as in classic; say so with Go's error text.
    const why =
      exprPatternError(e.value) ??
      (e.key === 'node' ? node.name : `${e.key}=${node.labels[e.key] ?? '(none)'}`);
    return `constraint ${exprText(e)} does not hold (${why})`;
  },
};
