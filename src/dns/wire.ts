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
  /** A packet whose bytes 12 to `questionEnd` are the question (name, type, class), copied into the answer. */
  packet: Buffer;
  questionEnd: number;
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
  const n = buf.length;
  if (n < 17) return undefined;
  const flags = (buf[2] as number) * 256 + (buf[3] as number);
  // A query (QR 0), standard opcode, one question, no answers or authorities, at most the OPT record.
  if ((flags & 0xf800) !== 0 || buf[4] !== 0 || buf[5] !== 1) return undefined;
  if (buf[6] !== 0 || buf[7] !== 0 || buf[8] !== 0 || buf[9] !== 0 || buf[10] !== 0) return undefined;
  const additional = buf[11] as number;
  if (additional > 1) return undefined;
  // The name in one pass: the labels' bytes, the length bytes turned to dots, lower case.
  let name = '';
  let upper = false;
  let at = 12;
  for (;;) {
    const len = buf[at];
    if (len === undefined || len > 63) return undefined;
    if (len === 0) break;
    const end = at + 1 + len;
    if (end > n) return undefined;
    for (let i = at + 1; i < end; i++) {
      const b = buf[i] as number;
      if (b >= 65 && b <= 90) upper = true;
    }
    name = at === 12 ? buf.toString('latin1', at + 1, end) : `${name}.${buf.toString('latin1', at + 1, end)}`;
    at = end;
  }
  at++;
  if (at + 4 > n) return undefined;
  const type = (buf[at] as number) * 256 + (buf[at + 1] as number);
  const qclass = (buf[at + 2] as number) * 256 + (buf[at + 3] as number);
  const questionEnd = at + 4;
  let ednsSize: number | undefined;
  if (additional === 1) {
    // The OPT record: root name, type 41, class = the client's UDP payload size.
    at = questionEnd;
    if (at + 11 > n || buf[at] !== 0 || buf[at + 1] !== 0 || buf[at + 2] !== TYPE_OPT) return undefined;
    ednsSize = (buf[at + 3] as number) * 256 + (buf[at + 4] as number);
  }
  const id = (buf[0] as number) * 256 + (buf[1] as number);
  return {
    id,
    flags,
    name: upper ? name.toLowerCase() : name,
    type,
    qclass,
    packet: buf,
    questionEnd,
    ednsSize,
  };
}

/** The most a UDP answer may hold for this query (512 without EDNS; never more than 4096). */
export function udpLimit(q: Query): number {
  return q.ednsSize === undefined ? 512 : Math.min(Math.max(q.ednsSize, 512), 4096);
}

/**
 * The response: `records` are 4-byte (A) or 16-byte (AAAA) addresses. With `limit`, only the records that
 * fit are put in and TC says the answer was cut (the client asks again over TCP). Written byte by byte: a
 * query's answer is a few dozen bytes, where Buffer's methods cost more than the bytes.
 */
export function encodeAnswer(
  q: Query,
  rcode: number,
  records: readonly Buffer[],
  ttl: number,
  limit = Number.POSITIVE_INFINITY,
): Buffer {
  const opt = q.ednsSize === undefined ? 0 : 11;
  const head = q.questionEnd;
  let size = head + opt;
  for (const r of records) size += 12 + r.length;
  let count = records.length;
  let truncated = false;
  while (size > limit && count > 0) {
    count--;
    size -= 12 + (records[count]?.length ?? 0);
    truncated = true;
  }
  const out = Buffer.allocUnsafe(size);
  const flags = QR | AA | RA | (q.flags & RD) | (truncated ? TC : 0) | rcode;
  out[0] = q.id >> 8;
  out[1] = q.id & 255;
  out[2] = flags >> 8;
  out[3] = flags & 255;
  out[4] = 0;
  out[5] = 1;
  out[6] = count >> 8;
  out[7] = count & 255;
  out[8] = 0;
  out[9] = 0;
  out[10] = 0;
  out[11] = opt ? 1 : 0;
  const src = q.packet;
  for (let i = 12; i < head; i++) out[i] = src[i] as number;
  let at = head;
  for (let i = 0; i < count; i++) {
    const r = records[i] as Buffer;
    const len = r.length;
    out[at] = 0xc0; // the name: a pointer to the question's
    out[at + 1] = 0x0c;
    out[at + 2] = 0;
    out[at + 3] = len === 4 ? TYPE_A : TYPE_AAAA;
    out[at + 4] = 0;
    out[at + 5] = CLASS_IN;
    out[at + 6] = ttl >>> 24;
    out[at + 7] = (ttl >>> 16) & 255;
    out[at + 8] = (ttl >>> 8) & 255;
    out[at + 9] = ttl & 255;
    out[at + 10] = 0;
    out[at + 11] = len;
    for (let k = 0; k < len; k++) out[at + 12 + k] = r[k] as number;
    at += 12 + len;
  }
  if (opt) {
    out.fill(0, at, at + 11);
    out[at + 2] = TYPE_OPT;
    out[at + 3] = 4096 >> 8; // our UDP payload size
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
