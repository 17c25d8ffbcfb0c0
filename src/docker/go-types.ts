// Go types as encoding/json sees them: what a JSON value may be decoded into, and Go's texts when it may not.

export type GoType =
  | { readonly kind: 'string' | 'bool' | 'float' | 'any'; readonly name: string }
  | { readonly kind: 'int'; readonly name: string; readonly min: bigint; readonly max: bigint }
  | {
      readonly kind: 'map' | 'slice';
      readonly name: string;
      readonly elem: GoType;
      /** The elements are pointers (`map[string]*string`): a null one stays null, not a zero value. */
      readonly pointers?: boolean;
    }
  | StructType;

export interface StructType {
  readonly kind: 'struct';
  /** With its package, as Go prints the type: `volume.VolumeCreateBody`. */
  readonly name: string;
  readonly fields: Readonly<Record<string, GoType>>;
  /**
   * Every field of the Go struct is listed: keys that match none are dropped, as Go drops them. Otherwise
   * they are kept unchecked (the engine, which gets the body, checks them).
   */
  readonly complete: boolean;
}

export const goString: GoType = { kind: 'string', name: 'string' };
export const goBool: GoType = { kind: 'bool', name: 'bool' };
export const goFloat64: GoType = { kind: 'float', name: 'float64' };
export const goAny: GoType = { kind: 'any', name: 'interface {}' };

export function goInt(name: string, bits: 8 | 16 | 32 | 64, unsigned = false): GoType {
  const max = unsigned ? 2n ** BigInt(bits) - 1n : 2n ** BigInt(bits - 1) - 1n;
  return { kind: 'int', name, min: unsigned ? 0n : -max - 1n, max };
}
export const goInt64 = goInt('int64', 64);
export const goIntNative = goInt('int', 64);

/** A named string type (`container.NetworkMode`): decoded as a string, named as Go names it. */
export function goNamedString(name: string): GoType {
  return { kind: 'string', name };
}

export function goMap(elem: GoType, name = `map[string]${elem.name}`, pointers = false): GoType {
  return { kind: 'map', name, elem, pointers };
}

export function goSlice(elem: GoType, name = `[]${elem.name}`): GoType {
  return { kind: 'slice', name, elem };
}

export function goStruct(name: string, fields: Record<string, GoType>, complete = true): StructType {
  return { kind: 'struct', name, fields, complete };
}

/** The struct's name without its package, as Go writes it before a field path. */
export function shortName(t: StructType): string {
  return t.name.slice(t.name.lastIndexOf('.') + 1);
}

/** Go's case folding of keys, for the letters that fold onto ASCII ones (Kelvin sign K, long s). */
function fold(s: string): string {
  return s
    .replace(/\u212a/g, 'k')
    .replace(/\u017f/g, 's')
    .toLowerCase();
}

const folded = new WeakMap<StructType, Map<string, string>>();

/** The field a key names: an exact match first, else the first field equal under case folding (as Go). */
export function fieldOf(t: StructType, key: string): string | undefined {
  if (Object.hasOwn(t.fields, key)) return key;
  let byFold = folded.get(t);
  if (!byFold) {
    byFold = new Map();
    for (const name of Object.keys(t.fields)) if (!byFold.has(fold(name))) byFold.set(fold(name), name);
    folded.set(t, byFold);
  }
  return byFold.get(fold(key));
}

/** Where a value sits, for Go's error text: the innermost struct and the field names down from the top. */
export interface GoContext {
  readonly struct: string;
  readonly path: readonly string[];
}

export const TOP: GoContext = { struct: '', path: [] };

/** Go's UnmarshalTypeError text. */
export function typeErrorText(value: string, type: GoType, at: GoContext): string {
  return at.path.length > 0
    ? `json: cannot unmarshal ${value} into Go struct field ${at.struct}.${at.path.join('.')} of type ${type.name}`
    : `json: cannot unmarshal ${value} into Go value of type ${type.name}`;
}

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null';

/**
 * Whether a JSON value of this kind may go into the type; the `Value` of Go's error when not. A number
 * literal must also fit: an integer type takes only an integer literal in its range (`number 1.5`).
 */
export function mismatch(kind: JsonKind, literal: string, type: GoType): string | undefined {
  if (kind === 'null' || type.kind === 'any') return undefined;
  switch (type.kind) {
    case 'string':
      return kind === 'string' ? undefined : kind;
    case 'bool':
      return kind === 'bool' ? undefined : kind;
    case 'int':
      if (kind !== 'number') return kind;
      if (!/^-?\d+$/.test(literal)) return `number ${literal}`;
      return BigInt(literal) < type.min || BigInt(literal) > type.max ? `number ${literal}` : undefined;
    case 'float':
      if (kind !== 'number') return kind;
      return Number.isFinite(Number(literal)) ? undefined : `number ${literal}`;
    case 'map':
    case 'struct':
      return kind === 'object' ? undefined : kind;
    case 'slice':
      return kind === 'array' ? undefined : kind;
  }
}

/**
 * Checks a value already in memory against a Go type, with Go's texts (numbers as JavaScript holds them).
 * Returns the first mismatch; walks only the typed parts, so its depth is the type's.
 */
export function goValueError(value: unknown, type: GoType, at: GoContext = TOP): string | undefined {
  const kind = kindOf(value);
  const bad = mismatch(kind, kind === 'number' ? String(value) : '', type);
  if (bad) return typeErrorText(bad, type, at);
  if (type.kind === 'slice' && Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const e = goValueError(item, type.elem, at);
      if (e) return e;
    }
  } else if ((type.kind === 'map' || type.kind === 'struct') && kind === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const field = type.kind === 'struct' ? fieldOf(type, k) : k;
      const t = type.kind === 'struct' ? field && type.fields[field] : type.elem;
      if (!t) continue;
      const inner = type.kind === 'struct' ? { struct: shortName(type), path: [...at.path, field ?? k] } : at;
      const e = goValueError(v, t, inner);
      if (e) return e;
    }
  }
  return undefined;
}

function kindOf(v: unknown): JsonKind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' ? 'number' : 'string';
}
