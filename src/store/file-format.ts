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

/**
 * A record's canonical text (for the checksum) and its JSON, made once: records are never changed once
 * stored (a write makes a new one), so a file of thousands of records is re-encoded from these pieces and
 * only the records a write made are serialised again.
 */
const pieces = new WeakMap<StoredRecord, { canon: string; json: string }>();

function piecesOf(r: StoredRecord): { canon: string; json: string } {
  let p = pieces.get(r);
  if (!p) {
    p = {
      canon: `{"value":${canonical(r.value)},"version":${canonical(r.version)}}`,
      json: `{"version":${JSON.stringify(r.version)},"value":${JSON.stringify(r.value)}}`,
    };
    pieces.set(r, p);
  }
  return p;
}

/** The file's text; its checksum is the sha256 of `canonical(body)`, built here from each record's pieces. */
export function encode(body: FileBody): string {
  const keys = Object.keys(body.records).sort();
  const canon: string[] = [];
  const json: string[] = [];
  for (const k of keys) {
    const p = piecesOf(body.records[k] as StoredRecord);
    const key = JSON.stringify(k);
    canon.push(`${key}:${p.canon}`);
    json.push(`${key}:${p.json}`);
  }
  const index = JSON.stringify(body.index);
  const sha256 = createHash('sha256')
    .update(`{"index":${index},"records":{${canon.join(',')}}}`)
    .digest('hex');
  return `{"format":${FORMAT},"sha256":"${sha256}","body":{"index":${index},"records":{\n${json.join(',\n')}\n}}}\n`;
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
