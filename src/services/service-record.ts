// Service records as the API writes them: a new service, and an update (the spec replaced, the previous one
// kept, the task template's generation moved on only when the template itself changed).
import { portsChanged } from './endpoint.js';
import { taskTemplate } from './spec.js';
import type { Service, ServiceSpec } from './types.js';

/** A new service from a create request; `id` and `index` come from the caller (random ID, store index). */
export function newService(spec: ServiceSpec, id: string, now: number, index: number): Service {
  const at = new Date(now).toISOString();
  return {
    ID: id,
    Version: { Index: index },
    CreatedAt: at,
    UpdatedAt: at,
    Spec: structuredClone(spec),
    SpecVersion: 1,
  };
}

/**
 * The service with `spec` in place of its own. The old spec becomes PreviousSpec and UpdateStatus is
 * cleared (the engine does both on every update); a scale or a label change keeps the tasks up to date,
 * a changed task template (ForceUpdate included) or published ports the task containers bind differently
 * (endpoint.ts portsChanged) make every task out of date.
 */
export function updatedService(cur: Service, spec: ServiceSpec, now: number, index: number): Service {
  const changed = !sameJson(taskTemplate(cur.Spec), taskTemplate(spec)) || portsChanged(cur.Spec, spec);
  const { UpdateStatus: _cleared, ...rest } = cur;
  return {
    ...rest,
    Version: { Index: index },
    UpdatedAt: new Date(now).toISOString(),
    Spec: structuredClone(spec),
    PreviousSpec: cur.Spec,
    SpecVersion: changed ? cur.SpecVersion + 1 : cur.SpecVersion,
  };
}

/** Equal as JSON documents: key order does not matter, array order does. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
