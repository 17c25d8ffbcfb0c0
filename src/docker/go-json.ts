// Go's encoding/json as Docker's handlers use it: a body decoded into a Go type with Go's syntax and type
// errors word for word, keys matched as Go matches them (case folded), and Go's nesting limit. Iterative, so
// no depth of nesting can overflow the stack.
import { GoJsonError, MAX_DEPTH, isDigit, isHex, isSpace, quoteChar, syntaxError } from './go-json-syntax.js';
import {
  TOP,
  fieldOf,
  mismatch,
  shortName,
  typeErrorText,
  type GoContext,
  type GoType,
  type JsonKind,
} from './go-types.js';

export { GoJsonError } from './go-json-syntax.js';

/** json.NewDecoder(body).Decode(&v): the first JSON value of the body; what follows it is never read. */
export function decodeGoJson(body: Buffer | string, type?: GoType): unknown {
  return new Parser(typeof body === 'string' ? Buffer.from(body) : body, false).run(type);
}

/** json.Unmarshal(text, &v): the whole text must be one JSON value. */
export function unmarshalGoJson(text: Buffer | string, type?: GoType): unknown {
  return new Parser(typeof text === 'string' ? Buffer.from(text) : text, true).run(type);
}

interface Slot {
  readonly type: GoType | undefined;
  readonly at: GoContext;
}

interface Frame {
  readonly array: boolean;
  readonly out: unknown[] | Record<string, unknown>;
  /** The container's own type (struct, map or slice); undefined when unchecked. */
  readonly type: GoType | undefined;
  readonly at: GoContext;
  /** Where the value being read goes (objects); undefined: dropped, as Go drops unknown fields. */
  key: string | undefined;
  slot: Slot;
}

const ESCAPES = new Set([...'"\\/bfnrt'].map((ch) => ch.charCodeAt(0)));
const SCALARS = new Set(['string', 'bool', 'int', 'float']);

class Parser {
  private i = 0;
  /** Go keeps decoding after a type error and reports the first one (a syntax error wins over it). */
  private typeError: string | undefined;

  constructor(
    private readonly b: Buffer,
    /** json.Unmarshal rather than a Decoder: trailing bytes are an error, and EOF is worded differently. */
    private readonly whole: boolean,
  ) {}

  run(type: GoType | undefined): unknown {
    if (this.ws() < 0) throw new GoJsonError(this.whole ? 'unexpected end of JSON input' : 'EOF', true);
    const value = this.value({ type, at: TOP });
    if (this.whole) {
      const c = this.ws();
      if (c >= 0) throw syntaxError(c, 'after top-level value');
    }
    if (this.typeError !== undefined) throw new GoJsonError(this.typeError);
    return value;
  }

  private byte(): number {
    return this.i < this.b.length ? (this.b[this.i] as number) : -1;
  }

  private ws(): number {
    while (this.i < this.b.length && isSpace(this.b[this.i] as number)) this.i++;
    return this.byte();
  }

  /** Input ended early. Unmarshal words it as the error a space would cause there, if any (Go's scanner.eof). */
  private eof(spaceContext?: string): GoJsonError {
    if (!this.whole) return new GoJsonError('unexpected EOF');
    return spaceContext ? syntaxError(0x20, spaceContext) : new GoJsonError('unexpected end of JSON input');
  }

  private fail(value: string, type: GoType, at: GoContext): void {
    this.typeError ??= typeErrorText(value, type, at);
  }

  private value(top: Slot): unknown {
    const stack: Frame[] = [];
    let slot = top;
    for (;;) {
      let value: unknown;
      const c = this.ws();
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= MAX_DEPTH) throw syntaxError(c, 'exceeded max depth');
        const frame = this.open(c === 0x5b, slot);
        this.i++;
        const next = this.ws();
        if (next < 0) throw this.eof();
        if (next !== (frame.array ? 0x5d : 0x7d)) {
          stack.push(frame);
          if (!frame.array) this.key(frame);
          slot = frame.slot;
          continue;
        }
        this.i++;
        value = frame.out;
      } else {
        value = this.primitive(c, slot);
      }
      // A value is complete: store it, and close each container it completes.
      for (;;) {
        const frame = stack[stack.length - 1];
        if (!frame) return value;
        this.store(frame, value);
        const d = this.ws();
        if (d === 0x2c) {
          this.i++;
          if (!frame.array) this.key(frame);
          slot = frame.slot;
          break;
        }
        if (d === (frame.array ? 0x5d : 0x7d)) {
          this.i++;
          stack.pop();
          value = frame.out;
          continue;
        }
        if (d < 0) throw this.eof();
        throw syntaxError(d, frame.array ? 'after array element' : 'after object key:value pair');
      }
    }
  }

  private open(array: boolean, slot: Slot): Frame {
    let type = slot.type;
    const bad = type && mismatch(array ? 'array' : 'object', '', type);
    if (type && bad) this.fail(bad, type, slot.at);
    if (bad || type?.kind === 'any') type = undefined;
    const elem = type?.kind === 'slice' ? type.elem : undefined;
    return {
      array,
      out: array ? [] : {},
      type,
      at: slot.at,
      key: undefined,
      slot: { type: elem, at: slot.at },
    };
  }

  /** Reads `"key":` and decides where the value goes and what type it must have. */
  private key(frame: Frame): void {
    const c = this.ws();
    if (c < 0) throw this.eof();
    if (c !== 0x22) throw syntaxError(c, 'looking for beginning of object key string');
    const key = this.string();
    const d = this.ws();
    if (d < 0) throw this.eof();
    if (d !== 0x3a) throw syntaxError(d, 'after object key');
    this.i++;
    const t = frame.type;
    if (t?.kind === 'struct') {
      const field = fieldOf(t, key);
      const type = field === undefined ? undefined : t.fields[field];
      frame.key = field ?? (t.complete ? undefined : key);
      frame.slot = field
        ? { type, at: { struct: shortName(t), path: [...frame.at.path, field] } }
        : { type: undefined, at: frame.at };
    } else {
      frame.key = key;
      frame.slot = { type: t?.kind === 'map' ? t.elem : undefined, at: frame.at };
    }
  }

  private store(frame: Frame, value: unknown): void {
    // A null list element or map value is the element type's zero value (Go's elements are no pointers).
    const t = frame.type;
    const v =
      value === null && (t?.kind === 'map' || t?.kind === 'slice') && !t.pointers ? zeroOf(t.elem) : value;
    if (frame.array) (frame.out as unknown[]).push(v);
    else if (frame.key !== undefined)
      assign(frame.out as Record<string, unknown>, frame.key, v, frame.slot.type);
  }

  private primitive(c: number, slot: Slot): unknown {
    let kind: JsonKind;
    let literal = '';
    let value: unknown;
    if (c === 0x22) {
      kind = 'string';
      value = this.string();
    } else if (c === 0x2d || isDigit(c)) {
      kind = 'number';
      literal = this.number();
      value = Number(literal);
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      this.literal(word);
      kind = c === 0x6e ? 'null' : 'bool';
      value = c === 0x6e ? null : c === 0x74;
    } else if (c < 0) {
      throw this.eof();
    } else {
      throw syntaxError(c, 'looking for beginning of value');
    }
    const bad = slot.type && mismatch(kind, literal, slot.type);
    if (slot.type && bad) this.fail(bad, slot.type, slot.at);
    return value;
  }

  private string(): string {
    const start = this.i++;
    let escaped = false;
    for (let c = this.byte(); c !== 0x22; c = this.byte()) {
      if (c < 0) throw this.eof();
      if (c === 0x5c) {
        escaped = true;
        this.i++;
        const e = this.byte();
        if (e < 0) throw this.eof('in string escape code');
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            this.i++;
            const h = this.byte();
            if (h < 0) throw this.eof('in \\u hexadecimal character escape');
            if (!isHex(h)) throw syntaxError(h, 'in \\u hexadecimal character escape');
          }
        } else if (!ESCAPES.has(e)) {
          throw syntaxError(e, 'in string escape code');
        }
      } else if (c < 0x20) {
        throw syntaxError(c, 'in string literal');
      }
      this.i++;
    }
    this.i++;
    // Checked above, so JSON.parse only has the escapes to undo.
    return escaped
      ? (JSON.parse(this.b.toString('utf8', start, this.i)) as string)
      : this.b.toString('utf8', start + 1, this.i - 1);
  }

  private number(): string {
    const start = this.i;
    const digits = (context: string) => {
      const c = this.byte();
      if (c < 0) throw this.eof(context);
      if (!isDigit(c)) throw syntaxError(c, context);
      while (isDigit(this.byte())) this.i++;
    };
    if (this.byte() === 0x2d) this.i++;
    if (this.byte() === 0x30) this.i++;
    else digits('in numeric literal');
    if (this.byte() === 0x2e) {
      this.i++;
      digits('after decimal point in numeric literal');
    }
    if (this.byte() === 0x65 || this.byte() === 0x45) {
      this.i++;
      if (this.byte() === 0x2b || this.byte() === 0x2d) this.i++;
      digits('in exponent of numeric literal');
    }
    return this.b.toString('latin1', start, this.i);
  }

  private literal(word: string): void {
    for (let k = 0; k < word.length; k++, this.i++) {
      const want = word.charCodeAt(k);
      const context = `in literal ${word} (expecting ${quoteChar(want)})`;
      const c = this.byte();
      if (c < 0) throw this.eof(context);
      if (c !== want) throw syntaxError(c, context);
    }
  }
}

/**
 * Stores a decoded value as Go would: a repeated struct or map key merges into what is there, a null
 * leaves a string, number or bool as it was.
 */
function assign(o: Record<string, unknown>, key: string, value: unknown, type: GoType | undefined): void {
  const prev = Object.hasOwn(o, key) ? o[key] : undefined;
  if (value === null && prev !== undefined && type && SCALARS.has(type.kind)) return;
  if (isObject(prev) && isObject(value) && (type?.kind === 'struct' || type?.kind === 'map')) {
    for (const [k, v] of Object.entries(value)) {
      if (type.kind === 'struct') assign(prev, k, v, type.fields[k]);
      else define(prev, k, v);
    }
    return;
  }
  define(o, key, value);
}

function zeroOf(type: GoType | undefined): unknown {
  switch (type?.kind) {
    case 'string':
      return '';
    case 'int':
    case 'float':
      return 0;
    case 'bool':
      return false;
    case 'struct':
      return {};
    case 'any':
    case 'map':
    case 'slice':
    case undefined:
      return null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An own property even for `__proto__`, as JSON.parse makes it. */
function define(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
