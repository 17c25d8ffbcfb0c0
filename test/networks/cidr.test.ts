import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrText, gateway, overlaps, parseCidr, parts, splitPrefix } from '../../src/networks/cidr.js';

describe('subnets', () => {
  it('parses, normalises and prints', () => {
    expect(parseCidr('198.19.64.7/22')).toEqual({ base: parseCidr('198.19.64.0/22')?.base, prefix: 22 });
    expect(cidrText(parseCidr('198.19.65.1/22') ?? { base: 0, prefix: 0 })).toBe('198.19.64.0/22');
    expect(parseCidr('300.1.1.1/8')).toBeUndefined();
    expect(parseCidr('nope')).toBeUndefined();
  });

  it('splits into parts that cover the subnet without overlapping', () => {
    const s = parseCidr('198.19.200.0/22');
    if (!s) throw new Error('parse');
    const p = [...parts(s, 24)].map(cidrText);
    expect(p).toEqual(['198.19.200.0/24', '198.19.201.0/24', '198.19.202.0/24', '198.19.203.0/24']);
    expect(gateway(parseCidr(p[1] ?? '') ?? s)).toBe('198.19.201.1');
    expect(splitPrefix(s, 3)).toBe(24);
    expect(splitPrefix(parseCidr('198.19.210.0/28') ?? s, 3)).toBeUndefined();
  });

  it('overlap is symmetric and exact', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 24 - 1 }),
        fc.integer({ min: 16, max: 28 }),
        fc.integer({ min: 16, max: 28 }),
        (x, pa, pb) => {
          const a = parseCidr(`10.${(x >> 16) & 255}.${(x >> 8) & 255}.${x & 255}/${pa}`);
          const b = parseCidr(`10.${(x >> 8) & 255}.${x & 255}.0/${pb}`);
          if (!a || !b) return;
          expect(overlaps(a, b)).toBe(overlaps(b, a));
        },
      ),
    );
  });
});
