// `whitelist`: `whitelist:node==a|b` keeps the named nodes. Unlike classic (which ignored the operator and
// key), `!=` excludes them, and each name may be a glob or /regex/ like any other expression.
import { exprPattern } from '../expr.js';
import type { Filter } from '../types.js';

export const whitelistFilter: Filter = {
  name: 'whitelist',
  conditions: (req) => req.whitelists.map((e) => `${e.key}${e.op}${e.value} (soft=${e.soft})`),
  check(node, req) {
    for (const e of req.whitelists) {
      const names = e.value.split('|');
      const listed = names.some((n) => {
        const re = exprPattern(n);
        return re !== undefined && (re.test(node.name) || re.test(node.id));
      });
      if (listed !== (e.op === '==')) return `${e.op === '==' ? 'not in' : 'in'} whitelist ${e.value}`;
    }
    return undefined;
  },
};
