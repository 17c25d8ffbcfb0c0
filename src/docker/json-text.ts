// JSON text for any depth: a body Go accepts may nest 10,000 deep, past what JSON.stringify's recursion takes.

class Piece {
  constructor(readonly text: string) {}
}

/** JSON.stringify's output for data (objects, arrays, strings, numbers, booleans, null), without recursion. */
export function encodeJson(root: unknown): string {
  const out: string[] = [];
  const work: unknown[] = [root];
  while (work.length > 0) {
    const v = work.pop();
    if (v instanceof Piece) {
      out.push(v.text);
    } else if (Array.isArray(v)) {
      out.push('[');
      work.push(new Piece(']'));
      for (let i = v.length - 1; i >= 0; i--) {
        const item: unknown = v[i];
        work.push(item === undefined || typeof item === 'function' ? null : item);
        if (i > 0) work.push(new Piece(','));
      }
    } else if (
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { toJSON?: unknown }).toJSON !== 'function'
    ) {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function');
      out.push('{');
      work.push(new Piece('}'));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i] as [string, unknown];
        work.push(x);
        work.push(new Piece(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`));
      }
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  }
  return out.join('');
}

/** JSON.stringify, falling back to encodeJson when the value nests too deep for it. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (err instanceof RangeError) return encodeJson(value);
    throw err;
  }
}
