// The YAML config file (`--config shoal.yaml`): the same settings as the flags, keyed by long flag name.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError, type FlagSpec, type FlagValue } from './flags.js';

/** Reads and checks a config file; unknown keys and wrong types are errors, not silently ignored. */
export function readConfigFile(path: string, specs: readonly FlagSpec[]): Map<string, FlagValue> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new UsageError(`config file ${path}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return new Map();
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(`config file ${path}: expected a mapping of settings`);
  }
  return fileValues(doc as Record<string, unknown>, specs, path);
}

export function fileValues(
  doc: Record<string, unknown>,
  specs: readonly FlagSpec[],
  path: string,
): Map<string, FlagValue> {
  const out = new Map<string, FlagValue>();
  for (const [key, value] of Object.entries(doc)) {
    const spec = specs.find((s) => s.name === key);
    if (!spec) throw new UsageError(`config file ${path}: unknown setting ${JSON.stringify(key)}`);
    out.set(key, coerce(spec, value, path));
  }
  return out;
}

function coerce(spec: FlagSpec, value: unknown, path: string): FlagValue {
  const bad = () =>
    new UsageError(`config file ${path}: invalid value for ${spec.name}: ${JSON.stringify(value)}`);
  switch (spec.kind) {
    case 'bool':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return value;
      throw bad();
    case 'string':
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      throw bad();
    case 'list':
      if (typeof value === 'string') return [value];
      if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
        return value.map(String);
      }
      // `cluster-opt: {swarm.overcommit: 0.1}` reads naturally as a mapping.
      if (value !== null && typeof value === 'object') {
        return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`);
      }
      throw bad();
  }
}
