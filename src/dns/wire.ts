// The DNS wire format for the common case, by hand: one question, perhaps an EDNS OPT record, and answers
// of A or AAAA records pointing back at the question's name (a response is the query's bytes plus 16 or
// 28 bytes a record). Anything else is left to `dns-packet` by the server. Pure: bytes in, bytes out.

export interface Query {
  id: number;
  /** The query's flags (RD is echoed). */
  flags: number;
  name: string;
  type: number;
  qclass: number;
  /** The question's bytes (name, type, class), copied into the answer. */
  question: Buffer;
  /** The EDNS payload size the client offered; undefined without EDNS. */
  ednsSize?: number;
}

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const TYPE_SRV = 33;
export const TYPE_OPT = 41;
export const CLASS_IN = 1;

export const RCODE_NOERROR = 0;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;

const QR = 0x8000;
const AA = 0x0400;
const TC = 0x0200;
const RD = 0x0100;
const RA = 0x0080;

/** Parses a query the fast path can answer; undefined for anything else (the slow path decides). */
export function parseQuery(buf: Buffer): Query | undefined {
  if (buf.length < 17) return undefined;
  const flags = buf.readUInt16BE(2);
  // A query (QR 0), standard opcode, one question, no answers or authorities, at most the OPT record.
  if ((flags & 0xf800) !== 0 || buf.readUInt16BE(4) !== 1) return undefined;
  if (buf.readUInt16BE(6) !== 0 || buf.readUInt16BE(8) !== 0 || buf.readUInt16BE(10) > 1) return undefined;
  let name = '';
  let at = 12;
  for (;;) {
    const len = buf[at];
    if (len === undefined || len > 63) return undefined;
    at++;
    if (len === 0) break;
    if (at + len > buf.length) return undefined;
    name =
      name === '' ? buf.toString('latin1', at, at + len) : `${name}.${buf.toString('latin1', at, at + len)}`;
    at += len;
  }
  if (at + 4 > buf.length) return undefined;
  const type = buf.readUInt16BE(at);
  const qclass = buf.readUInt16BE(at + 2);
  const question = buf.subarray(12, at + 4);
  at += 4;
  let ednsSize: number | undefined;
  if (buf.readUInt16BE(10) === 1) {
    // The OPT record: root name, type 41, class = the client's UDP payload size.
    if (at + 11 > buf.length || buf[at] !== 0 || buf.readUInt16BE(at + 1) !== TYPE_OPT) return undefined;
    ednsSize = buf.readUInt16BE(at + 3);
  }
  return { id: buf.readUInt16BE(0), flags, name: name.toLowerCase(), type, qclass, question, ednsSize };
}

/** The most a UDP answer may hold for this query (512 without EDNS; never more than 4096). */
export function udpLimit(q: Query): number {
  return q.ednsSize === undefined ? 512 : Math.min(Math.max(q.ednsSize, 512), 4096);
}

/**
 * The response: `records` are 4-byte (A) or 16-byte (AAAA) addresses. With `limit`, only the records that
 * fit are put in and TC says the answer was cut (the client asks again over TCP).
 */
export function encodeAnswer(
  q: Query,
  rcode: number,
  records: readonly Buffer[],
  ttl: number,
  limit = Number.POSITIVE_INFINITY,
): Buffer {
  const opt = q.ednsSize === undefined ? 0 : 11;
  const head = 12 + q.question.length;
  let count = records.length;
  let size = head + opt + records.reduce((n, r) => n + 12 + r.length, 0);
  let truncated = false;
  while (size > limit && count > 0) {
    count--;
    size -= 12 + (records[count]?.length ?? 0);
    truncated = true;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeUInt16BE(q.id, 0);
  out.writeUInt16BE(QR | AA | RA | (q.flags & RD) | (truncated ? TC : 0) | rcode, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(count, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(opt ? 1 : 0, 10);
  q.question.copy(out, 12);
  let at = head;
  for (let i = 0; i < count; i++) {
    const r = records[i] as Buffer;
    out.writeUInt16BE(0xc00c, at); // the name: a pointer to the question's
    out.writeUInt16BE(r.length === 4 ? TYPE_A : TYPE_AAAA, at + 2);
    out.writeUInt16BE(CLASS_IN, at + 4);
    out.writeUInt32BE(ttl, at + 6);
    out.writeUInt16BE(r.length, at + 10);
    r.copy(out, at + 12);
    at += 12 + r.length;
  }
  if (opt) {
    out.writeUInt8(0, at);
    out.writeUInt16BE(TYPE_OPT, at + 1);
    out.writeUInt16BE(4096, at + 3);
    out.writeUInt32BE(0, at + 5);
    out.writeUInt16BE(0, at + 9);
  }
  return out;
}

/** 198.18.0.1 → 4 bytes; an IPv6 text → 16 bytes (`::` expanded). */
export function addressBytes(ip: string): Buffer {
  if (!ip.includes(':')) return Buffer.from(ip.split('.').map(Number));
  const [left = '', right = ''] = ip.split('::');
  const l = left ? left.split(':') : [];
  const r = ip.includes('::') && right ? right.split(':') : [];
  const groups = ip.includes('::') ? [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r] : l;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

/** An answer with no records (NXDOMAIN, SERVFAIL, NODATA), for a query the fast path parsed. */
export function encodeEmpty(q: Query, rcode: number, authoritative = true): Buffer {
  const out = encodeAnswer(q, rcode, [], 0);
  if (!authoritative) out.writeUInt16BE(out.readUInt16BE(2) & ~AA, 2);
  return out;
}
