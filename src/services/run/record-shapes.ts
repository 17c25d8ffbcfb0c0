// Whether a stored value reads as a service or a task record: a damaged or foreign value is ignored, not
// trusted (the loop would otherwise act on half a record).
import { isTaskState } from '../task-state.js';
import type { Service, Task } from '../types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasIndex(v: Record<string, unknown>): boolean {
  return isRecord(v['Version']) && typeof v['Version']['Index'] === 'number';
}

export function asService(value: unknown): Service | undefined {
  if (!isRecord(value)) return undefined;
  const ok =
    typeof value['ID'] === 'string' &&
    hasIndex(value) &&
    typeof value['CreatedAt'] === 'string' &&
    isRecord(value['Spec']) &&
    typeof value['SpecVersion'] === 'number';
  return ok ? (value as unknown as Service) : undefined;
}

export function asTask(value: unknown): Task | undefined {
  if (!isRecord(value)) return undefined;
  const status = value['Status'];
  const ok =
    typeof value['ID'] === 'string' &&
    typeof value['ServiceID'] === 'string' &&
    hasIndex(value) &&
    typeof value['Slot'] === 'number' &&
    typeof value['NodeID'] === 'string' &&
    typeof value['SpecVersion'] === 'number' &&
    isTaskState(value['DesiredState']) &&
    isRecord(status) &&
    isTaskState(status['State']) &&
    typeof status['Timestamp'] === 'string';
  return ok ? (value as unknown as Task) : undefined;
}
