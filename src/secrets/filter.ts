// `GET /secrets?filters=` and `GET /configs?filters=`: the filters the engine accepts (daemon/cluster/
// filters.go) as SwarmKit applies them: `names` (secrets only; exact), `name` and `id` (prefixes), any of
// which may match, and every `label` (`k` or `k=v`). Names and IDs compare case-insensitively, as
// SwarmKit's store indexes them.
import type { FilterArgs } from '../docker/filters.js';
import type { DataKind, DataRecord } from './types.js';

const ACCEPTED: Record<DataKind, string[]> = {
  secret: ['names', 'name', 'id', 'label'],
  config: ['name', 'id', 'label'],
};

/** The predicate for `filters`; throws the engine's `Invalid filter` error for a key it does not take. */
export function dataFilter(kind: DataKind, filters: FilterArgs): (r: DataRecord) => boolean {
  filters.validate(ACCEPTED[kind]);
  const lower = (vs: string[]) => vs.map((v) => v.toLowerCase());
  const names = lower(filters.values('names'));
  const namePrefixes = lower(filters.values('name'));
  const idPrefixes = lower(filters.values('id'));
  const any = names.length + namePrefixes.length + idPrefixes.length > 0;
  return (r) => {
    const name = r.Spec.Name.toLowerCase();
    const id = r.ID.toLowerCase();
    const hit =
      !any ||
      names.includes(name) ||
      namePrefixes.some((p) => name.startsWith(p)) ||
      idPrefixes.some((p) => id.startsWith(p));
    return hit && filters.matchKVList('label', r.Spec.Labels);
  };
}
