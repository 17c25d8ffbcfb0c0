// `affinity`: with containers (ID or name), images (ID, repo:tag, repo) or container labels on the node.
import { exprText } from '../expr.js';
import type { Filter } from '../types.js';
import { containerSubjects, imageSubjects, labelSubjects, matchSet } from './subjects.js';

export const affinityFilter: Filter = {
  name: 'affinity',
  conditions: (req) => req.affinities.map((e) => `${e.key}${e.op}${e.value} (soft=${e.soft})`),
  check(node, req) {
    for (const e of req.affinities) {
      const subjects =
        e.key === 'container'
          ? containerSubjects(node)
          : e.key === 'image'
            ? imageSubjects(node)
            : labelSubjects(node, e.key);
      if (!matchSet(e, subjects)) return `affinity ${exprText(e)} does not hold`;
    }
    return undefined;
  },
};
