// The store file's format: one JSON document with a format number and the sha256 of its canonical body,
// so a truncated, damaged or hand-edited file is told apart from a good one.
import { createHash } from 'node:crypto';

export const FORMAT = 1;

export interface StoredRecord {
  version: number;
  value: unknown;
}

export interface FileBody {
  /** The last version handed out: every write takes the next one (as Consul's index does). */
  index: number;
  records: Record<string, StoredRecord>;
}

/** JSON with object keys sorted at every level: the text the checksum is taken over. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function checksum(body: FileBody): string {
  return createHash('sha256').update(canonical(body)).digest('hex');
}

export function encode(body: FileBody): string {
  return `${JSON.stringify({ format: FORMAT, sha256: checksum(body), body }, null, 1)}\n`;
}

/** The body, or the reason the text is not a good store file. */
export function decode(text: string): { body: FileBody } | { problem: string } {
  if (text.trim() === '') return { problem: 'the file is empty (truncated?)' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { problem: `it is not valid JSON, truncated or damaged (${(err as Error).message})` };
  }
  if (doc === null || typeof doc !== 'object' || !('format' in doc))
    return { problem: 'it is not a Shoal state file (no format field)' };
  const d = doc as { format: unknown; sha256?: unknown; body?: unknown };
  if (d.format !== FORMAT)
    return { problem: `it has format ${JSON.stringify(d.format)}; this Shoal reads format ${FORMAT}` };
  if (!wellFormed(d.body)) return { problem: 'its records are malformed' };
  if (d.sha256 !== checksum(d.body))
    return { problem: 'its checksum does not match its content (damaged or edited by hand)' };
  return { body: d.body };
}

function wellFormed(body: unknown): body is FileBody {
  if (body === null || typeof body !== 'object') return false;
  const b = body as { index?: unknown; records?: unknown };
  if (typeof b.index !== 'number' || b.records === null || typeof b.records !== 'object') return false;
  return Object.values(b.records as Record<string, unknown>).every(
    (r) => r !== null && typeof r === 'object' && typeof (r as StoredRecord).version === 'number',
  );
}
