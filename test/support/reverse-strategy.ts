// A user strategy, as the README shows: reverse name order. Loaded by path in tests.
import type { Strategy } from '../../src/scheduler/types.js';

const reverse: Strategy = {
  name: 'reverse',
  rank: (nodes) => [...nodes].sort((a, b) => b.name.localeCompare(a.name)),
};

export default reverse;
