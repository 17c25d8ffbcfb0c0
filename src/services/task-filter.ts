// `GET /tasks?filters=`: the filters the engine accepts, as one predicate. `service` and `node` take an ID,
// a name or an ID prefix; `label` matches the service's labels; `_up-to-date` is the CLI's progress filter.
import type { FilterArgs } from '../docker/filters.js';
import { ApiError } from '../errors.js';
import { serviceLabels, serviceName } from './spec.js';
import { isTaskState } from './task-state.js';
import type { Service, Task } from './types.js';
import { isUpToDate, taskName } from './task-name.js';

export interface TaskFilterContext {
  /** The service a task belongs to; undefined while a deleted service's tasks are going. */
  service(id: string): Service | undefined;
  /** A node's hostname, for `node=<hostname>`. */
  nodeName(id: string): string | undefined;
  /** The nodes that satisfy a service's constraints (absent: every node), for `_up-to-date`. */
  eligible?(service: Service): ReadonlySet<string> | undefined;
}

const ACCEPTED = ['name', 'id', 'label', 'service', 'node', 'desired-state', '_up-to-date', 'runtime'];

/** The predicate for `filters`; throws ApiError(invalid) for an unknown filter or desired state. */
export function taskFilter(filters: FilterArgs, ctx: TaskFilterContext): (task: Task) => boolean {
  filters.validate(ACCEPTED);
  const desired = filters.values('desired-state').map((s) => s.toLowerCase());
  for (const s of desired) {
    if (!isTaskState(s)) throw ApiError.invalid(`Invalid desired-state filter: '${s}'`);
  }
  const services = filters.values('service');
  const nodes = filters.values('node');
  const upToDate = filters.values('_up-to-date').length > 0;
  const eligible = new Map<string, ReadonlySet<string> | undefined>();
  const eligibleFor = (s: Service) => {
    if (!eligible.has(s.ID)) eligible.set(s.ID, ctx.eligible?.(s));
    return eligible.get(s.ID);
  };
  return (task) => {
    const service = ctx.service(task.ServiceID);
    if (
      services.length > 0 &&
      !services.some((s) => refersTo(s, task.ServiceID, service && serviceName(service.Spec)))
    )
      return false;
    if (
      nodes.length > 0 &&
      !nodes.some((n) => task.NodeID !== '' && refersTo(n, task.NodeID, ctx.nodeName(task.NodeID)))
    )
      return false;
    if (desired.length > 0 && !desired.includes(task.DesiredState)) return false;
    if (upToDate && !service) return false;
    // The nodes are only asked for when the generations differ.
    const same = service?.SpecVersion === task.SpecVersion;
    if (upToDate && service && !same && !isUpToDate(service, task, eligibleFor(service))) return false;
    if (!filters.fuzzyMatch('id', task.ID)) return false;
    if (!filters.exactMatch('runtime', 'container')) return false;
    if (filters.has('name') && !(service && filters.fuzzyMatch('name', taskName(service, task))))
      return false;
    if (filters.has('label') && !filters.matchKVList('label', service ? serviceLabels(service.Spec) : null))
      return false;
    return true;
  };
}

/** `ref` names the object: its full ID, its name, or a prefix of its ID. */
function refersTo(ref: string, id: string, name: string | undefined): boolean {
  return (
    ref === id || (name !== undefined && name !== '' && ref === name) || (ref !== '' && id.startsWith(ref))
  );
}
