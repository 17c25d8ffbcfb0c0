// Docker's `filters` query parameter: both encodings (map of sets, legacy map of lists) and its match rules.
import { ApiError } from '../errors.js';
import { FILTERS, LEGACY_FILTERS } from './api-bodies.js';
import { GoJsonError, unmarshalGoJson } from './go-json.js';
import { goRegExp } from './go-regexp.js';

/** A parsed `filters` argument: field → set of values, with Docker's matching semantics. */
export class FilterArgs {
  private readonly fields: Map<string, Set<string>>;

  constructor(fields?: Map<string, Set<string>>) {
    this.fields = fields ?? new Map<string, Set<string>>();
  }

  /**
   * Parses the JSON text of a `filters` query parameter as the engine does (a map of sets, else the legacy
   * map of lists; Go's text when neither); empty text is no filter.
   */
  static parse(text: string | undefined | null): FilterArgs {
    if (text === undefined || text === null || text === '') return new FilterArgs();
    let raw: unknown;
    try {
      raw = unmarshalGoJson(text, FILTERS);
    } catch (err) {
      if (!(err instanceof GoJsonError)) throw err;
      try {
        raw = unmarshalGoJson(text, LEGACY_FILTERS);
      } catch {
        throw ApiError.invalid(err.message);
      }
    }
    const fields = new Map<string, Set<string>>();
    for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
      const set = new Set<string>();
      if (Array.isArray(value)) for (const v of value as string[]) set.add(v);
      else for (const [v, on] of Object.entries((value ?? {}) as Record<string, boolean>)) if (on) set.add(v);
      fields.set(key, set);
    }
    return new FilterArgs(fields);
  }

  static of(entries: Record<string, string[]>): FilterArgs {
    return new FilterArgs(new Map(Object.entries(entries).map(([k, v]) => [k, new Set(v)])));
  }

  get size(): number {
    return this.fields.size;
  }

  keys(): string[] {
    return [...this.fields.keys()];
  }

  has(field: string): boolean {
    return this.fields.has(field);
  }

  values(field: string): string[] {
    return [...(this.fields.get(field) ?? [])];
  }

  /** Rejects fields Docker would not accept for this endpoint (`Invalid filter 'x'`). */
  validate(accepted: readonly string[]): void {
    for (const key of this.fields.keys()) {
      if (!accepted.includes(key)) throw ApiError.invalid(`Invalid filter '${key}'`);
    }
  }

  /**
   * The engine's GetBoolOrDefault: undefined when absent; "1"/"true" or "0"/"false" exactly, anything else
   * (or both) is an invalid filter.
   */
  bool(field: string): boolean | undefined {
    const set = this.fields.get(field);
    if (!set) return undefined;
    const isTrue = set.has('1') || set.has('true');
    if (set.size === 0 || isTrue === (set.has('0') || set.has('false'))) throw invalidFilter(field, set);
    return isTrue;
  }

  /** True when the field is absent or one value equals the source exactly. */
  exactMatch(field: string, source: string): boolean {
    const set = this.fields.get(field);
    if (!set || set.size === 0) return true;
    return set.has(source);
  }

  /** True when the field is absent, or a value equals the source or is a prefix of it. */
  fuzzyMatch(field: string, source: string): boolean {
    const set = this.fields.get(field);
    if (!set || set.size === 0) return true;
    if (set.has(source)) return true;
    for (const v of set) if (source.startsWith(v)) return true;
    return false;
  }

  /** True when the field is absent, or a value equals the source or matches it as an unanchored Go regexp. */
  match(field: string, source: string): boolean {
    const set = this.fields.get(field);
    if (!set || set.size === 0) return true;
    if (set.has(source)) return true;
    for (const v of set) {
      if (goRegExp(v)?.test(source)) return true;
    }
    return false;
  }

  /** `label`-style match: every `key` or `key=value` value must be satisfied by the map. */
  matchKVList(field: string, map: Record<string, string> | null | undefined): boolean {
    const set = this.fields.get(field);
    if (!set || set.size === 0) return true;
    if (!map) return false;
    for (const v of set) {
      const eq = v.indexOf('=');
      if (eq < 0) {
        if (!(v in map)) return false;
      } else if (map[v.slice(0, eq)] !== v.slice(eq + 1)) {
        return false;
      }
    }
    return true;
  }
}

/** Docker's boolean query parsing: false for "", 0, no, false, none (any case); true otherwise. */
export function boolValue(v: string | null | undefined): boolean {
  if (v === null || v === undefined) return false;
  const s = v.trim().toLowerCase();
  return !(s === '' || s === '0' || s === 'no' || s === 'false' || s === 'none');
}

/** The engine's invalidFilter text: `Invalid filter 'key=[a b]'` (Go prints the values as a list). */
export function invalidFilter(field: string, values?: Iterable<string>): ApiError {
  const list = values ? [...values] : [];
  return ApiError.invalid(`Invalid filter '${field}${list.length > 0 ? `=[${list.join(' ')}]` : ''}'`);
}
