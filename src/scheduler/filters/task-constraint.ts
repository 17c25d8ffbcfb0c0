// `task-constraint` (service tasks only): swarm mode's `--constraint` (node.labels.zone==a, node.role!=manager…),
// apart from classic's `constraint` filter and its expressions.
import { compileNodeConstraint, nodeConstraintText, nodeKeyReader } from '../node-constraint.js';
import { nodeCount } from '../task-explain.js';
import type { Filter, NodePredicate } from '../types.js';

export const taskConstraintFilter: Filter = {
  name: 'task-constraint',
  explainTasks: (nodes) => `scheduling constraints not satisfied on ${nodeCount(nodes)}`,
  conditions: (req) => (req.service?.constraints ?? []).map(nodeConstraintText),
  prepare(req) {
    const constraints = req.service?.constraints ?? [];
    if (constraints.length === 0) return undefined;
    const tests = constraints.map(compileNodeConstraint);
    return (node) => {
      for (let i = 0; i < tests.length; i++) if (!(tests[i] as NodePredicate)(node)) return false;
      return true;
    };
  },
  explain(node, req) {
    const c = req.service?.constraints.find((x) => !compileNodeConstraint(x)(node));
    if (!c) return 'scheduling constraints not satisfied';
    const read = nodeKeyReader(c.key);
    const has = read ? `${c.key} is "${read(node)}"` : `unknown key ${c.key}`;
    return `constraint ${nodeConstraintText(c)} not satisfied (${has})`;
  },
};
