// Go's encoding/json syntax errors, word for word: `invalid character 'x' looking for beginning of value`.

export class GoJsonError extends Error {
  override name = 'GoJsonError';
  /** True for io.EOF: the body was empty or only spaces (each endpoint words that its own way). */
  readonly eof: boolean;

  constructor(message: string, eof = false) {
    super(message);
    this.eof = eof;
  }
}

/** Go's strconv.Quote of one byte taken as a rune, between single quotes (encoding/json's quoteChar). */
export function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r' };
  const hex = c.toString(16).padStart(2, '0');
  if (named[c]) return `'\\${named[c]}'`;
  if (c === 0x5c) return `'\\\\'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${hex}'`;
  // C1 controls, no-break space and soft hyphen are not printable for Go.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u00${hex}'`;
  return `'${String.fromCharCode(c)}'`;
}

export function syntaxError(c: number, context: string): GoJsonError {
  return new GoJsonError(`invalid character ${quoteChar(c)} ${context}`);
}

export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Go's scanner nests at most this deep (`exceeded max depth`). */
export const MAX_DEPTH = 10_000;
