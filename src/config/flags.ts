// A small command-line flag parser with Go's flag texts (classic Swarm used urfave/cli over Go's flag).
import { parseDuration } from './duration.js';

export type FlagKind = 'string' | 'bool' | 'list' | 'int';

export interface FlagSpec {
  /** Canonical long name, also the YAML key. */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly kind: FlagKind;
  readonly default?: string | boolean | readonly string[];
  readonly env?: string;
  readonly usage: string;
  /** What its value looks like in help (`list`, `duration`, `ip:port`); a guess from its kind otherwise. */
  readonly placeholder?: string;
}

export type FlagValue = string | boolean | string[];

export interface ParsedFlags {
  values: Map<string, FlagValue>;
  /** Flags given on the command line (not defaults, env or file). */
  set: Set<string>;
  positional: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

function findSpec(specs: readonly FlagSpec[], name: string): FlagSpec | undefined {
  return specs.find((s) => s.name === name || s.aliases?.includes(name));
}

/**
 * Parses argv. Flags may come before or after positional arguments (Go stops at the first positional;
 * Shoal does not, so `shoal manage nodes://... --strategy binpack` does what it says). `--` ends flags.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const values = new Map<string, FlagValue>();
  const set = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = findSpec(specs, name);
    if (!spec) throw new UsageError(`flag provided but not defined: -${name}`);
    let raw: string | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (spec.kind === 'bool') {
      values.set(spec.name, raw === undefined ? true : parseBool(raw, name));
      set.add(spec.name);
      continue;
    }
    if (raw === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      raw = argv[++i] ?? '';
    }
    if (spec.kind === 'int' && !/^[+-]?\d+$/.test(raw)) {
      throw new UsageError(`invalid value ${JSON.stringify(raw)} for flag -${name}: parse error`);
    }
    if (spec.kind === 'list') {
      const prev = set.has(spec.name) ? (values.get(spec.name) as string[]) : [];
      values.set(spec.name, [...prev, raw]);
    } else {
      values.set(spec.name, raw);
    }
    set.add(spec.name);
  }
  return { values, set, positional };
}

function parseBool(raw: string, name: string): boolean {
  const v = raw.toLowerCase();
  if (['1', 't', 'true'].includes(v)) return true;
  if (['0', 'f', 'false'].includes(v)) return false;
  throw new UsageError(`invalid boolean value ${JSON.stringify(raw)} for -${name}: parse error`);
}

/**
 * Fills in what the command line did not set: first the YAML file, then the environment, then defaults.
 * The command line wins over the environment, which wins over the file.
 */
export function withFallbacks(
  parsed: ParsedFlags,
  specs: readonly FlagSpec[],
  env: NodeJS.ProcessEnv,
  file: Map<string, FlagValue> = new Map(),
): Map<string, FlagValue> {
  const out = new Map(parsed.values);
  for (const spec of specs) {
    if (parsed.set.has(spec.name)) continue;
    const fromEnv = spec.env !== undefined ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      out.set(spec.name, fromEnvValue(spec, fromEnv));
    } else if (file.has(spec.name)) {
      out.set(spec.name, file.get(spec.name) as FlagValue);
    } else if (spec.default !== undefined) {
      out.set(
        spec.name,
        Array.isArray(spec.default) ? [...(spec.default as string[])] : (spec.default as FlagValue),
      );
    }
  }
  return out;
}

function fromEnvValue(spec: FlagSpec, v: string): FlagValue {
  if (spec.kind === 'bool') return parseBool(v, spec.name);
  if (spec.kind === 'list') return v.split(',').map((s) => s.trim());
  return v;
}

export function str(values: Map<string, FlagValue>, name: string): string {
  const v = values.get(name);
  return typeof v === 'string' ? v : '';
}

export function bool(values: Map<string, FlagValue>, name: string): boolean {
  return values.get(name) === true;
}

export function list(values: Map<string, FlagValue>, name: string): string[] {
  const v = values.get(name);
  return Array.isArray(v) ? v : typeof v === 'string' && v !== '' ? [v] : [];
}

/** Help text for a set of flags. */
const HELP_WIDTH = 100;
const NAME_COLUMN = 42;

/** What a flag's value looks like in help: `--host list`, `--heartbeat duration`. */
function placeholder(s: FlagSpec): string {
  if (s.kind === 'bool') return '';
  if (s.placeholder) return ` ${s.placeholder}`;
  if (s.kind === 'list') return ' list';
  return /interval|heartbeat|ttl|timeout|delay/.test(s.name) ? ' duration' : ' string';
}

/** Words of `text` in lines of at most `width`, every line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const room = width - (lines.length === 0 ? 0 : indent);
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** The flags as `docker … --help` shows them: names and value placeholder, then the usage, wrapped at 100. */
export function flagHelp(specs: readonly FlagSpec[]): string {
  return specs
    .map((s) => {
      const short = (s.aliases ?? []).find((a) => a.length === 1);
      const longs = [s.name, ...(s.aliases ?? []).filter((a) => a.length > 1)].map((n) => `--${n}`);
      const names = `${short ? `-${short}, ` : '    '}${longs.join(', ')}${placeholder(s)}`;
      const def =
        s.default === undefined ||
        s.default === false ||
        s.default === '' ||
        (Array.isArray(s.default) && s.default.length === 0)
          ? ''
          : ` (default ${Array.isArray(s.default) ? s.default.join(', ') : String(s.default)})`;
      const env = s.env ? ` [$${s.env}]` : '';
      const head = `  ${names}`;
      const text = `${s.usage}${def}${env}`;
      if (head.length >= NAME_COLUMN)
        return `${head}\n${' '.repeat(NAME_COLUMN)}${wrap(text, HELP_WIDTH - NAME_COLUMN, 0).replace(/\n/g, `\n${' '.repeat(NAME_COLUMN)}`)}`;
      return `${head.padEnd(NAME_COLUMN)}${wrap(text, HELP_WIDTH - NAME_COLUMN, 0).replace(/\n/g, `\n${' '.repeat(NAME_COLUMN)}`)}`;
    })
    .join('\n');
}

/** A duration flag's value; a bad one fails with classic's `invalid --<name>: …`. */
export function durationValue(values: Map<string, FlagValue>, name: string): number {
  try {
    return parseDuration(str(values, name));
  } catch (err) {
    throw new UsageError(`invalid --${name}: ${(err as Error).message}`);
  }
}

/** Repeated `k=v` values (--cluster-opt, --discovery-opt) as a record; the last of a key wins. */
export function keyValues(items: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(`${flag} must contain key=value strings`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
