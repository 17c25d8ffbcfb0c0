// Go's strconv number parsing and the engine's timestamps, with Go's error texts: what the engine says to a
// query value such as `limit=abc` or `since=1e5`.

export class StrconvError extends Error {
  override name = 'StrconvError';
}

/** Go's strconv.Quote, for the characters a query value can hold. */
export function goQuote(s: string): string {
  const named: Record<string, string> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '"': '\\"',
    '\\': '\\\\',
  };
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (named[ch]) out += named[ch];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch))
      out +=
        cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `"${out}"`;
}

const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64); `fn` names the function in the error, as Go does (Atoi for Atoi). */
export function parseInt64(s: string, fn = 'ParseInt'): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw new StrconvError(`strconv.${fn}: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > INT64_MAX || n < -INT64_MAX - 1n)
    throw new StrconvError(`strconv.${fn}: parsing ${goQuote(s)}: value out of range`);
  return n;
}

/** strconv.Atoi (a 64-bit int). */
export function atoi(s: string): number {
  return Number(parseInt64(s, 'Atoi'));
}

/**
 * The engine's `seconds[.fraction]` timestamps (since, until), in nanoseconds; undefined when not set. As
 * the engine: each part is a Go int64, the fraction is scaled to nanoseconds, and -1 seconds means unset.
 */
export function parseTimestamp(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  const dot = text.indexOf('.');
  const seconds = parseInt64(dot < 0 ? text : text.slice(0, dot));
  let nanos = 0;
  if (dot >= 0) {
    const fraction = text.slice(dot + 1);
    nanos = Math.trunc(Number(parseInt64(fraction)) * 10 ** (9 - fraction.length));
  }
  if (seconds === -1n) return undefined;
  return Number(seconds) * 1e9 + nanos;
}

/** strconv.ParseUint(s, 10, bits). */
export function parseUint(s: string, bits: number): number {
  if (!/^\d+$/.test(s)) throw new StrconvError(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  if (BigInt(s) >= 2n ** BigInt(bits))
    throw new StrconvError(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return Number(s);
}

/** Go's httputils.Int64ValueOrZero: a query number, or 0 when it is not a Go int64. */
export function int64OrZero(s: string | null): number {
  try {
    return s ? Number(parseInt64(s)) : 0;
  } catch {
    return 0;
  }
}

/** The engine's nat.SplitProtoPort and nat.ParsePortRange: "8000-8080/udp" → 8000, 8080, udp. */
export function portRange(raw: string): { start: number; end: number; proto: string } {
  const [first = '', second] = raw.split('/');
  const proto = first === '' ? '' : second ? second : 'tcp';
  const port = second === undefined ? raw : first;
  if (port === '') throw new StrconvError('Empty string specified for ports.');
  if (!port.includes('-')) {
    const n = parseUint(port, 16);
    return { start: n, end: n, proto };
  }
  const [a = '', b = ''] = port.split('-');
  const start = parseUint(a, 16);
  const end = parseUint(b, 16);
  if (end < start) throw new StrconvError(`Invalid range specified for the Port: ${port}`);
  return { start, end, proto };
}
