// `affinity`: with containers (ID or name), images (ID, repo:tag, repo) or container labels on the node.
import { exprPatternError, exprText, type Expr } from '../expr.js';
import { matchAny, matcherOf, type Matcher } from '../matcher.js';
import type { Filter, NodeSnapshot } from '../types.js';
import { containerSubjects, imageSubjects, labelSubjects } from './subjects.js';

function subjects(node: NodeSnapshot, key: string): ReadonlySet<string> {
  return key === 'container'
    ? containerSubjects(node)
    : key === 'image'
      ? imageSubjects(node)
      : labelSubjects(node, key);
}

function holds(node: NodeSnapshot, e: Expr): boolean {
  return matchAny(matcherOf(e), subjects(node, e.key));
}

export const affinityFilter: Filter = {
  name: 'affinity',
  conditions: (req) => req.affinities.map((e) => `${e.key}${e.op}${e.value} (soft=${e.soft})`),
  prepare(req) {
    if (req.affinities.length === 0) return undefined;
    const compiled: { key: string; m: Matcher }[] = req.affinities.map((e) => ({
      key: e.key,
      m: matcherOf(e),
    }));
    return (node) => {
      for (let i = 0; i < compiled.length; i++) {
        const c = compiled[i] as { key: string; m: Matcher };
        if (!matchAny(c.m, subjects(node, c.key))) return false;
      }
      return true;
    };
  },
  explain(node, req) {
    const e = req.affinities.find((x) => !holds(node, x));
    if (!e) return 'affinity does not hold';
    const refused = exprPatternError(e.value);
    return `affinity ${exprText(e)} does not hold${refused ? ` (${refused})` : ''}`;
  },
};
