// `whitelist`: `whitelist:node==a|b` keeps the named nodes. Unlike classic (which ignored the operator and
// key), `!=` excludes them, and each name may be a glob or /regex/ like any other expression.
import { exprPattern, exprPatternError } from '../expr.js';
import type { Expr } from '../expr.js';
import type { Filter, NodeSnapshot } from '../types.js';

function listed(e: Expr, node: NodeSnapshot): boolean {
  return e.value.split('|').some((n) => {
    const re = exprPattern(n);
    return re !== undefined && (re.test(node.name) || re.test(node.id));
  });
}

export const whitelistFilter: Filter = {
  name: 'whitelist',
  conditions: (req) => req.whitelists.map((e) => `${e.key}${e.op}${e.value} (soft=${e.soft})`),
  prepare(req) {
    const list = [...req.whitelists];
    if (list.length === 0) return undefined;
    return (node) => list.every((e) => listed(e, node) === (e.op === '=='));
  },
  explain(node, req) {
    const e = req.whitelists.find((x) => listed(x, node) !== (x.op === '=='));
    if (!e) return 'whitelist';
    const refused = e.value
      .split('|')
      .map(exprPatternError)
      .find((x) => x !== undefined);
    return `${e.op === '==' ? 'not in' : 'in'} whitelist ${e.value}${refused ? ` (${refused})` : ''}`;
  },
};
