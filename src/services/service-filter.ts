// `GET /services?filters=`: the filters the engine accepts (daemon/cluster/filters.go), as one predicate.
// `id` and `name` match prefixes (swarmkit's IDPrefixes, NamePrefixes), `label` the service's labels.
import { invalidFilter, type FilterArgs } from '../docker/filters.js';
import { serviceLabels, serviceMode, serviceName } from './spec.js';
import type { Service } from './types.js';

const ACCEPTED = ['name', 'id', 'label', 'mode', 'runtime'];
const MODES = new Set(['replicated', 'global', 'replicated-job', 'global-job']);

/** The predicate for `filters`; throws the engine's `Invalid filter` errors. */
export function serviceFilter(filters: FilterArgs): (service: Service) => boolean {
  filters.validate(ACCEPTED);
  const modes = filters.values('mode');
  if (modes.some((m) => !MODES.has(m))) throw invalidFilter('mode', modes);
  const ids = filters.values('id');
  const names = filters.values('name');
  return (service) => {
    if (ids.length > 0 && !ids.some((p) => service.ID.startsWith(p))) return false;
    const name = serviceName(service.Spec);
    if (names.length > 0 && !names.some((p) => name.startsWith(p))) return false;
    if (!filters.matchKVList('label', serviceLabels(service.Spec))) return false;
    if (modes.length > 0 && !modes.includes(modeName(service))) return false;
    return filters.exactMatch('runtime', 'container');
  };
}

function modeName(service: Service): string {
  const mode = serviceMode(service.Spec);
  if (mode.kind === 'unsupported') return mode.name === 'GlobalJob' ? 'global-job' : 'replicated-job';
  return mode.kind;
}
