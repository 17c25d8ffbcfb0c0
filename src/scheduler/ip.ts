// Go's net.ParseIP, net.ParseCIDR and IPNet.Contains, for SwarmKit's `node.ip` constraint. Addresses are 16
// bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), as Go holds them; so 10.0.0.1 equals ::ffff:10.0.0.1.

export type Ip = Uint8Array;

export interface IpNet {
  /** The network address (the mask applied), 16 bytes. */
  readonly addr: Ip;
  /** Prefix length over the 16 bytes (an IPv4 /24 is 120). */
  readonly bits: number;
}

const V4_PART = /^(?:0|[1-9][0-9]{0,2})$/;
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Dotted quad; Go refuses leading zeros (`01.2.3.4`) since 1.17. */
function parseV4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => V4_PART.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function mapped(v4: readonly number[]): Ip {
  return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]);
}

/** Groups of a v6 half as bytes; the last group of the address may be a dotted quad. */
function v6Bytes(half: string, last: boolean): number[] | undefined {
  if (half === '') return [];
  const out: number[] = [];
  const groups = half.split(':');
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as string;
    if (last && i === groups.length - 1 && g.includes('.')) {
      const v4 = parseV4(g);
      if (!v4) return undefined;
      out.push(...v4);
    } else if (V6_GROUP.test(g)) {
      const n = parseInt(g, 16);
      out.push(n >> 8, n & 0xff);
    } else return undefined;
  }
  return out;
}

function parseV6(s: string): Ip | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = v6Bytes(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? v6Bytes(halves[1] as string, true) : [];
  if (!head || !tail) return undefined;
  const size = head.length + tail.length;
  // `::` stands for at least one zero group.
  if (halves.length === 1 ? size !== 16 : size > 14) return undefined;
  return Uint8Array.from([...head, ...new Array<number>(16 - size).fill(0), ...tail]);
}

/** The address, or undefined where Go's ParseIP returns nil (zones included). */
export function parseIp(s: string): Ip | undefined {
  if (s.includes(':')) return parseV6(s);
  const v4 = parseV4(s);
  return v4 ? mapped(v4) : undefined;
}

export function isV4(ip: Ip): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

export function ipEqual(a: Ip, b: Ip): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

function masked(ip: Ip, bits: number): Ip {
  return ip.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

/** `a.b.c.d/n` or `v6/n`, as Go's ParseCIDR (the prefix in decimal, up to the address family's size). */
export function parseCidr(s: string): IpNet | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const text = s.slice(0, slash);
  const prefix = s.slice(slash + 1);
  const ip = parseIp(text);
  if (!ip || !/^[0-9]+$/.test(prefix)) return undefined;
  const v4Syntax = !text.includes(':');
  const n = Number(prefix);
  if (n > (v4Syntax ? 32 : 128)) return undefined;
  const bits = v4Syntax ? n + 96 : n;
  return { addr: masked(ip, bits), bits };
}

/**
 * Go compares an IPv4 network only with IPv4 addresses and an IPv6 one only with IPv6 ones, so `::/0`
 * does not contain 10.0.0.1.
 */
export function netContains(net: IpNet, ip: Ip): boolean {
  return isV4(net.addr) === isV4(ip) && ipEqual(net.addr, masked(ip, net.bits));
}
