// `constraint`: on the node's name or ID (`node`), its engine labels, or the built-in attributes.
import { exprText, matchExpr } from '../expr.js';
import type { Filter } from '../types.js';

export const constraintFilter: Filter = {
  name: 'constraint',
  conditions: (req) => req.constraints.map((e) => `${e.key}${e.op}${e.value}`),
  check(node, req) {
    for (const e of req.constraints) {
      const subjects = e.key === 'node' ? [node.id, node.name] : [node.labels[e.key] ?? ''];
      if (!matchExpr(e, subjects)) {
        const actual = e.key === 'node' ? node.name : `${e.key}=${node.labels[e.key] ?? '(none)'}`;
        return `constraint ${exprText(e)} does not hold (${actual})`;
      }
    }
    return undefined;
  },
};
