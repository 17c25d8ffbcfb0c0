// What a service's task template refers to (`ContainerSpec.Secrets[]`, `.Configs[]`), checked as SwarmKit's
// controlapi checks them (validateSecretRefsSpec, checkSecretExistence, and the configs' twins), with the
// engine's texts; and where each file goes in a task's container (the engine's executor's rules).
import { posix } from 'node:path';
import { ApiError } from '../errors.js';
import type { DataKind, DataRecord } from './types.js';
import { invalidArgument } from './validate.js';

type Obj = Readonly<Record<string, unknown>>;

export interface FileTarget {
  Name: string;
  UID: string;
  GID: string;
  Mode: number;
}

export interface Reference {
  kind: DataKind;
  id: string;
  name: string;
  /** Where the file goes; absent for a config's Runtime target (a credential spec: no file). */
  file?: FileTarget;
  runtime: boolean;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The references of a task template (a service's `TaskTemplate`, a task's `Spec`), secrets first. */
export function referencesOf(template: unknown): Reference[] {
  const cs = isObj(template) ? template['ContainerSpec'] : undefined;
  if (!isObj(cs)) return [];
  const out: Reference[] = [];
  for (const [kind, key] of [
    ['secret', 'Secrets'],
    ['config', 'Configs'],
  ] as const) {
    const list = cs[key];
    if (!Array.isArray(list)) continue;
    for (const r of list as unknown[]) {
      if (!isObj(r)) continue;
      const f = r['File'];
      const prefix = kind === 'secret' ? 'Secret' : 'Config';
      out.push({
        kind,
        id: str(r[`${prefix}ID`]),
        name: str(r[`${prefix}Name`]),
        file: isObj(f)
          ? {
              Name: str(f['Name']),
              UID: str(f['UID']),
              GID: str(f['GID']),
              Mode: typeof f['Mode'] === 'number' ? f['Mode'] : 0,
            }
          : undefined,
        runtime: kind === 'config' && isObj(r['Runtime']),
      });
    }
  }
  return out;
}

/** The daemon's conversion of config references, then SwarmKit's checks of both kinds' shapes. */
export function checkShapes(refs: readonly Reference[]): void {
  for (const r of refs) {
    if (r.kind !== 'config') continue;
    if (!r.file && !r.runtime) throw ApiError.invalid('invalid Config: either File or Runtime should be set');
    if (r.file && r.runtime) throw ApiError.invalid('invalid Config: cannot specify both File and Runtime');
  }
  for (const kind of ['secret', 'config'] as const) {
    const targets = new Map<string, string>();
    for (const r of refs) {
      if (r.kind !== kind) continue;
      if (r.id === '' || r.name === '') throw invalidArgument(`malformed ${kind} reference`);
      if (!r.file && !r.runtime) throw invalidArgument(`malformed ${kind} reference, no target provided`);
      if (!r.file) continue;
      if (r.file.Name === '') {
        throw invalidArgument(`malformed file ${kind} reference, invalid target file name provided`);
      }
      const prev = targets.get(r.file.Name);
      if (prev !== undefined) {
        throw invalidArgument(
          `${kind} references '${prev}' and '${r.name}' have a conflicting target: '${r.file.Name}'`,
        );
      }
      targets.set(r.file.Name, r.name);
    }
  }
}

/** Every reference names a record by ID with that very name, else `secret not found: a, b`. */
export function checkExistence(
  refs: readonly Reference[],
  find: (kind: DataKind, id: string) => DataRecord | undefined,
): void {
  for (const kind of ['secret', 'config'] as const) {
    const missing = refs
      .filter((r) => r.kind === kind && find(kind, r.id)?.Spec.Name !== r.name)
      .map((r) => r.name);
    if (missing.length > 0) {
      throw invalidArgument(`${kind}${missing.length === 1 ? '' : 's'} not found: ${missing.join(', ')}`);
    }
  }
}

/** A file's path in the container: a relative secret target is under /run/secrets, a relative config's under /. */
export function targetPath(r: Reference & { file: FileTarget }): string {
  const base = r.kind === 'secret' ? '/run/secrets' : '/';
  return posix.isAbsolute(r.file.Name) ? posix.normalize(r.file.Name) : posix.join(base, r.file.Name);
}
