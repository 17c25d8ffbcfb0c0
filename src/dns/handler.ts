// One query in, one decision out: the answer's bytes, or "forward it upstream". The common case (one
// question, A or AAAA) never leaves wire.ts's hand-written format; the rest goes through dns-packet.
import dnsPacket from 'dns-packet';
import { resolveName } from './answer.js';
import { srvAnswer } from './srv.js';
import type { Address, NameIndex } from './records.js';
import {
  encodeAnswer,
  encodeEmpty,
  parseQuery,
  RCODE_NXDOMAIN,
  TYPE_A,
  TYPE_AAAA,
  TYPE_SRV,
  udpLimit,
  type Query,
} from './wire.js';

export interface AnswerSettings {
  /** TTL of answers, in seconds. */
  ttl: number;
  /** Answer one address per query (clients that sort by subnet would otherwise favour their own engine's). */
  oneAnswer: boolean;
  rng: () => number;
}

export type Outcome = { reply: Buffer } | { forward: true } | { drop: true };

const TYPE_ANY = 255;

export function handleQuery(
  index: NameIndex,
  buf: Buffer,
  askerIp: string | undefined,
  transport: 'udp' | 'tcp',
  s: AnswerSettings,
): Outcome {
  const q = parseQuery(buf) ?? slowQuery(buf);
  if (!q) return { drop: true };
  if (q.type === TYPE_SRV) return srvAnswer(index, q, askerIp, s) ?? { forward: true };
  const res = resolveName(index, q.name, askerIp);
  if (res.kind === 'forward') return { forward: true };
  if (res.kind === 'nxdomain') return { reply: encodeEmpty(q, RCODE_NXDOMAIN) };
  const records = shuffledRecords(q.type, res.addresses, s.rng);
  if (s.oneAnswer) records.length = Math.min(records.length, 1);
  const limit = transport === 'udp' ? udpLimit(q) : 65_535;
  return { reply: encodeAnswer(q, 0, records, s.ttl, limit) };
}

/**
 * The address records of the type asked for (other types of a name Shoal has get none: NODATA), in a new
 * order on every query (Fisher–Yates), so clients that take the first address spread out.
 */
function shuffledRecords(type: number, addresses: readonly Address[], rng: () => number): Buffer[] {
  const v4 = type === TYPE_A || type === TYPE_ANY;
  const v6 = type === TYPE_AAAA || type === TYPE_ANY;
  const out: Buffer[] = [];
  for (const a of addresses) {
    if (v4 && a.ipv4) out.push(a.v4Bytes);
    if (v6 && a.v6Bytes) out.push(a.v6Bytes);
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = out[i] as Buffer;
    out[i] = out[j] as Buffer;
    out[j] = t;
  }
  return out;
}

/**
 * A query outside the fast path's shape (more additional records, say), understood with dns-packet and
 * turned into the same form; undefined when it is not a one-question query at all.
 */
function slowQuery(buf: Buffer): Query | undefined {
  let p: dnsPacket.DecodedPacket;
  try {
    p = dnsPacket.decode(buf);
  } catch {
    return undefined;
  }
  const question = p.questions?.[0];
  if (p.type !== 'query' || p.questions?.length !== 1 || !question) return undefined;
  const opt = p.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  const packet = dnsPacket.encode({ type: 'query', id: 0, questions: [question] });
  return {
    id: p.id ?? 0,
    flags: (p.flags ?? 0) & 0x0100,
    name: question.name.toLowerCase(),
    type: packet.readUInt16BE(packet.length - 4),
    qclass: packet.readUInt16BE(packet.length - 2),
    packet,
    questionEnd: packet.length,
    ...(opt ? { ednsSize: opt.udpPayloadSize ?? 512 } : {}),
  };
}
