// The store half of a pass's actions, as one change to the records: marks, desired states, new and
// removed tasks, the updater's word on a service. A createTask and the shutdown of the task it replaces
// land in the same write.
import { randomSwarmId } from '../../docker/swarm-id.js';
import type { Action } from '../actions.js';
import { withUpdate } from '../service-record.js';
import { newTask, withDesired, withStatus } from '../task-record.js';
import type { Draft } from './records.js';

const STORE_KINDS = new Set<Action['kind']>([
  'markTask',
  'shutdownTask',
  'removeTask',
  'createTask',
  'startTask',
  'updateService',
]);

export function isStoreAction(a: Action): boolean {
  return STORE_KINDS.has(a.kind);
}

/** Applies the store actions to the draft; an action whose task or service is gone meanwhile is skipped. */
export function applyStoreActions(d: Draft, actions: readonly Action[], newId = randomSwarmId): number {
  let changed = 0;
  for (const a of actions) {
    switch (a.kind) {
      case 'markTask': {
        const t = d.task(a.taskId);
        const next = t && withStatus(t, a, d.now, d.index);
        if (next && next !== t) {
          d.putTask(next);
          changed++;
        }
        break;
      }
      case 'shutdownTask':
      case 'startTask': {
        const t = d.task(a.taskId);
        const to = a.kind === 'startTask' ? 'running' : a.desiredState;
        const next =
          t && withDesired(t, to, d.now, d.index, a.kind === 'shutdownTask' && a.handover === true);
        if (next && next !== t) {
          d.putTask(next);
          changed++;
        }
        break;
      }
      case 'removeTask':
        if (d.task(a.taskId)) {
          d.deleteTask(a.taskId);
          changed++;
        }
        break;
      case 'createTask': {
        const service = d.service(a.serviceId);
        if (service) {
          d.putTask(newTask(service, a, newId(), d.now, d.index));
          changed++;
        }
        break;
      }
      case 'updateService': {
        const s = d.service(a.serviceId);
        const next = s && withUpdate(s, a, d.now, d.index);
        if (next && next !== s) {
          d.putService(next);
          changed++;
        }
        break;
      }
      case 'placeTask':
      case 'removeContainer':
      case 'startContainer':
      case 'stopContainer':
        break;
    }
  }
  return changed;
}
