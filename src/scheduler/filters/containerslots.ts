// `containerslots`: an engine labelled containerslots=N holds at most N containers (any state, pending too).
import type { Filter } from '../types.js';

export const containerslotsFilter: Filter = {
  name: 'containerslots',
  conditions: () => ['available container slots'],
  check(node) {
    const raw = node.labels['containerslots'];
    if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
    const slots = Number(raw);
    return node.containers.length < slots ? undefined : `all ${slots} container slots are in use`;
  },
};
