// The hand-written wire format against dns-packet, for any name, type, case and EDNS size: what parseQuery
// reads is what dns-packet wrote, and what encodeAnswer writes decodes to the same question and records.
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressBytes, encodeAnswer, parseQuery, TYPE_A, TYPE_AAAA } from '../../src/dns/wire.js';

const label = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
const v4 = fc
  .tuple(fc.constant(198), fc.integer({ min: 18, max: 19 }), fc.nat(255), fc.nat(255))
  .map((t) => t.join('.'));
const v6 = fc
  .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
  .map((g) => g.map((x) => x.toString(16)).join(':'));

describe('the DNS wire fast path', () => {
  it('reads the query dns-packet wrote, and answers with its question and records', () => {
    fc.assert(
      fc.property(
        name,
        fc.constantFrom('A', 'AAAA'),
        fc.nat(0xffff),
        fc.boolean(),
        fc.option(fc.integer({ min: 512, max: 4096 }), { nil: undefined }),
        fc.array(fc.oneof(v4, v6), { maxLength: 30 }),
        (n, type, id, rd, edns, ips) => {
          const packet = dnsPacket.encode({
            type: 'query',
            id,
            flags: rd ? dnsPacket.RECURSION_DESIRED : 0,
            questions: [{ type: type as 'A', name: n }],
            additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: edns }] : [],
          } as dnsPacket.Packet);
          const q = parseQuery(packet);
          expect(q).toMatchObject({
            id,
            name: n.toLowerCase(),
            type: type === 'A' ? TYPE_A : TYPE_AAAA,
            qclass: 1,
          });
          expect(q?.ednsSize).toBe(edns);
          if (!q) return;
          const records = ips.map(addressBytes);
          const limit = edns ?? 512;
          const out = encodeAnswer(q, 0, records, 2, limit);
          expect(out.length).toBeLessThanOrEqual(limit);
          const r = dnsPacket.decode(out);
          expect(r.id).toBe(id);
          expect(r.flag_rd).toBe(rd);
          expect(r.flag_aa).toBe(true);
          expect(r.questions).toEqual([{ name: n, type, class: 'IN' }]);
          const got = (r.answers ?? []).map((a) => a as { name: string; ttl: number; data: string });
          expect(r.flag_tc).toBe(got.length < ips.length);
          got.forEach((a, i) => {
            expect(a.name).toBe(n);
            expect(a.ttl).toBe(2);
            expect(addressBytes(a.data)).toEqual(records[i]);
          });
          expect((r.additionals ?? []).length).toBe(edns ? 1 : 0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves to the slow path what it does not read: answers, two questions, a response, a short packet', () => {
    const base = { type: 'query' as const, id: 1, questions: [{ type: 'A' as const, name: 'web' }] };
    expect(parseQuery(dnsPacket.encode(base))).toBeDefined();
    expect(parseQuery(dnsPacket.encode({ ...base, type: 'response' }))).toBeUndefined();
    expect(
      parseQuery(dnsPacket.encode({ ...base, questions: [...base.questions, ...base.questions] })),
    ).toBeUndefined();
    const withAnswer = { ...base, answers: [{ type: 'A' as const, name: 'web', data: '198.18.0.1' }] };
    expect(parseQuery(dnsPacket.encode(withAnswer))).toBeUndefined();
    expect(parseQuery(dnsPacket.encode(base).subarray(0, 16))).toBeUndefined();
  });
});
