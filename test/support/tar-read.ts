// Reads a tar archive (ustar, PAX `path`/`uid`/`gid` records) back into entries: for tests of the archives
// Shoal writes, and for the fake engine's `PUT /containers/{id}/archive`.

export interface ReadEntry {
  name: string;
  type: 'dir' | 'file' | 'other';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  data: Buffer;
}

const field = (h: Buffer, at: number, len: number) =>
  h
    .subarray(at, at + len)
    .toString('utf8')
    .replace(/\0.*$/s, '');
const octal = (h: Buffer, at: number, len: number) => parseInt(field(h, at, len).trim() || '0', 8);

export function readTar(buf: Buffer): ReadEntry[] {
  const out: ReadEntry[] = [];
  let pax: Record<string, string> = {};
  for (let i = 0; i + 512 <= buf.length;) {
    const h = buf.subarray(i, i + 512);
    if (h.every((b) => b === 0)) break;
    const stored = octal(h, 148, 8);
    let sum = 0;
    for (let j = 0; j < 512; j++) sum += j >= 148 && j < 156 ? 32 : (h[j] ?? 0);
    if (sum !== stored) throw new Error(`tar: bad checksum at ${i}`);
    const size = octal(h, 124, 12);
    const data = buf.subarray(i + 512, i + 512 + size);
    const flag = field(h, 156, 1);
    i += 512 + Math.ceil(size / 512) * 512;
    if (flag === 'x') {
      pax = parsePax(data);
      continue;
    }
    const prefix = field(h, 345, 155);
    const short = field(h, 0, 100);
    out.push({
      name: pax['path'] ?? (prefix ? `${prefix}/${short}` : short),
      type: flag === '5' ? 'dir' : flag === '0' || flag === '' ? 'file' : 'other',
      mode: octal(h, 100, 8),
      uid: Number(pax['uid'] ?? octal(h, 108, 8)),
      gid: Number(pax['gid'] ?? octal(h, 116, 8)),
      mtime: octal(h, 136, 12),
      data: Buffer.from(data),
    });
    pax = {};
  }
  return out;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const len = Number(data.subarray(i, space).toString());
    const rec = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}
