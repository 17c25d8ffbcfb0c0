// A tar archive made in memory (ustar, with a PAX header for what ustar cannot hold): the few directories
// and files a task's secrets and configs need, which `PUT /containers/{id}/archive` extracts.

export interface TarEntry {
  /** Relative to where the archive is extracted, without a leading slash. */
  name: string;
  type: 'dir' | 'file';
  mode: number;
  uid: number;
  gid: number;
  data?: Buffer;
}

const BLOCK = 512;
/** The largest value an 8-byte octal field holds (7 digits). */
const MAX_ID = 0o7777777;

/** The archive: every entry, then the two zero blocks that end it. `mtime` in seconds. */
export function tarOf(entries: readonly TarEntry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const name = e.type === 'dir' ? `${e.name.replace(/\/+$/, '')}/` : e.name;
    const data = e.type === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const pax: [string, string][] = [];
    if (Buffer.byteLength(name) > 100) pax.push(['path', name]);
    if (e.uid > MAX_ID) pax.push(['uid', String(e.uid)]);
    if (e.gid > MAX_ID) pax.push(['gid', String(e.gid)]);
    if (pax.length > 0) {
      const records = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(''));
      parts.push(header('PaxHeaders/entry', 'x', 0o644, 0, 0, records.length, mtime), padded(records));
    }
    const shortName = Buffer.byteLength(name) > 100 ? name.slice(-100).replace(/^[^/]*\//, '') : name;
    const typeflag = e.type === 'dir' ? '5' : '0';
    const uid = Math.min(e.uid, MAX_ID);
    const gid = Math.min(e.gid, MAX_ID);
    parts.push(header(shortName, typeflag, e.mode, uid, gid, data.length, mtime), padded(data));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** `<length> key=value\n`, the length counting itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) > len) len++;
  return `${len}${body}`;
}

function header(
  name: string,
  typeflag: string,
  mode: number,
  uid: number,
  gid: number,
  size: number,
  mtime: number,
): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, mode & 0o7777);
  octal(h, 108, 8, uid);
  octal(h, 116, 8, gid);
  octal(h, 124, 12, size);
  octal(h, 136, 12, Math.max(0, Math.floor(mtime)));
  h.write('        ', 148, 8, 'latin1'); // the checksum counts its own field as spaces
  h.write(typeflag, 156, 1, 'latin1');
  h.write('ustar\u000000', 257, 8, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return h;
}

/** A number in octal, zero-padded, NUL-terminated, in a field of `width` bytes. */
function octal(h: Buffer, at: number, width: number, value: number): void {
  h.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, at, width, 'latin1');
}

function padded(data: Buffer): Buffer {
  const rest = data.length % BLOCK;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rest)]);
}
