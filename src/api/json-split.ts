// JSON text of an object cut around one key's value, so an answer kept as text can take a fresh value there.

export interface SplitJson {
  /** The text up to and including `"key":`. */
  readonly head: string;
  /** The text after the value, closing brace included. */
  readonly tail: string;
}

/** What JSON.stringify(obj) gives, without the value of `key` (added at the end when obj lacks it). */
export function splitJson(obj: Record<string, unknown>, key: string): SplitJson {
  let head = '{';
  let tail: string | undefined;
  let sep = '';
  for (const k of Object.keys(obj)) {
    if (k === key) {
      head += `${sep}${JSON.stringify(k)}:`;
      tail = '';
      sep = ',';
      continue;
    }
    const value = JSON.stringify(obj[k]) as string | undefined;
    if (value === undefined) continue;
    const part = `${sep}${JSON.stringify(k)}:${value}`;
    if (tail === undefined) head += part;
    else tail += part;
    sep = ',';
  }
  if (tail === undefined) return { head: `${head}${sep}${JSON.stringify(key)}:`, tail: '}' };
  return { head, tail: `${tail}}` };
}

/**
 * An object's JSON text with one more key at the end, as JSON.parse, setting the key and JSON.stringify
 * would give it for a key the object lacks; undefined when the text is not a non-empty object or may
 * hold the key already (the caller then parses).
 */
export function appendJsonKey(text: string, key: string, value: unknown): string | undefined {
  const trimmed = text.trimEnd();
  const name = JSON.stringify(key);
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}') || trimmed.includes(`${name}:`)) return undefined;
  if (/^\{\s*\}$/.test(trimmed)) return undefined;
  return `${trimmed.slice(0, -1)},${name}:${JSON.stringify(value)}}`;
}
