// IPv4 subnets as numbers: parsing, containment, splitting a pool into /24s (or a user subnet into parts).

export interface Subnet {
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Subnet | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const ip = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(ip / size) * size, prefix };
}

export function ipText(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function cidrText(s: Subnet): string {
  return `${ipText(s.base)}/${s.prefix}`;
}

export function size(s: Subnet): number {
  return 2 ** (32 - s.prefix);
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** The parts of a subnet of the given prefix, in order. */
export function* parts(s: Subnet, prefix: number): Generator<Subnet> {
  if (prefix < s.prefix) return;
  const step = 2 ** (32 - prefix);
  for (let b = s.base; b < s.base + size(s); b += step) yield { base: b, prefix };
}

/** The first host address, used as the gateway of a part. */
export function gateway(s: Subnet): string {
  return ipText(s.base + 1);
}

/** The prefix that splits a subnet into at least `n` parts (undefined when the parts would be < /29). */
export function splitPrefix(s: Subnet, n: number): number | undefined {
  const q = s.prefix + Math.ceil(Math.log2(Math.max(n, 1)));
  return q <= 29 ? q : undefined;
}
