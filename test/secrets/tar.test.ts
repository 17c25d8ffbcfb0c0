// The archives made in memory for a task's files: read back, they hold exactly the entries given, owners,
// modes and all, long paths and large IDs included.
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../src/secrets/tar.js';
import { readTar } from '../support/tar-read.js';

describe('tarOf', () => {
  it('writes directories and files that read back the same, in 512-byte blocks', () => {
    const tar = tarOf(
      [
        { name: 'run', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
        { name: 'run/secrets', type: 'dir', mode: 0o755, uid: 0, gid: 0 },
        {
          name: 'run/secrets/db',
          type: 'file',
          mode: 0o400,
          uid: 1000,
          gid: 1001,
          data: Buffer.from('s3cr3t'),
        },
      ],
      1_700_000_000,
    );
    expect(tar.length % 512).toBe(0);
    const entries = readTar(tar);
    expect(entries.map((e) => [e.name, e.type, e.mode, e.uid, e.gid, e.data.toString()])).toEqual([
      ['run/', 'dir', 0o755, 0, 0, ''],
      ['run/secrets/', 'dir', 0o755, 0, 0, ''],
      ['run/secrets/db', 'file', 0o400, 1000, 1001, 's3cr3t'],
    ]);
    expect(entries[2]?.mtime).toBe(1_700_000_000);
  });

  it('carries a long path and a large uid in a PAX header', () => {
    const name = `${'d'.repeat(80)}/${'f'.repeat(80)}`;
    const data = Buffer.alloc(1500, 'x');
    const [e] = readTar(tarOf([{ name, type: 'file', mode: 0o444, uid: 3_000_000, gid: 5, data }], 0));
    expect(e?.name).toBe(name);
    expect(e?.uid).toBe(3_000_000);
    expect(e?.gid).toBe(5);
    expect(e?.data.equals(data)).toBe(true);
  });

  it('keeps only the permission bits of a mode', () => {
    const [e] = readTar(tarOf([{ name: 'f', type: 'file', mode: 0o100644, uid: 0, gid: 0 }], 0));
    expect(e?.mode).toBe(0o644);
  });
});
