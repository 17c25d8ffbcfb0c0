import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDiscovery } from '../../src/discovery/index.js';
import { expandRange, parseEntryList, parseFileContent } from '../../src/discovery/entries.js';
import type { EngineAddr } from '../../src/discovery/discovery.js';

describe('address lists', () => {
  it('expands one range anywhere, inclusive', () => {
    expect(expandRange('198.18.0.[10:12]:2375')).toEqual([
      '198.18.0.10:2375',
      '198.18.0.11:2375',
      '198.18.0.12:2375',
    ]);
    expect(expandRange('h:[2:4]375')).toEqual(['h:2375', 'h:3375', 'h:4375']);
    expect(expandRange('h:[a:b]')).toEqual(['h:[a:b]']);
  });

  it('parses node lists with tcp:// and unix:// entries, dropping duplicates', () => {
    expect(parseEntryList('a:1,tcp://b:2,unix:///run/x.sock,a:1')).toEqual([
      'a:1',
      'b:2',
      'unix:///run/x.sock',
    ]);
  });

  it("refuses a bad entry with classic's hint", () => {
    expect(() => parseEntryList('a:1,nope')).toThrow(
      'address nope: missing port in address, please check you are using the correct discovery (missing token:// ?)',
    );
    expect(() => parseEntryList('a:99999')).toThrow('invalid port');
  });

  it('reads the file format: comments, blank lines, ranges', () => {
    expect(parseFileContent('# engines\n a:1 \n\n b:[1:2] # two\n#c:3\n')).toEqual(['a:1', 'b:1', 'b:2']);
  });
});

describe('backends', () => {
  it('chooses by scheme; no scheme is a node list; unknown schemes are refused', () => {
    expect(createDiscovery('a:1,b:2', { heartbeatMs: 1000, options: {} }).scheme).toBe('nodes');
    expect(createDiscovery('nodes://a:1', { heartbeatMs: 1000, options: {} }).scheme).toBe('nodes');
    expect(createDiscovery('unix:///x.sock', { heartbeatMs: 1000, options: {} }).scheme).toBe('nodes');
    expect(() => createDiscovery('token://abc', { heartbeatMs: 1000, options: {} })).toThrow(
      'discovery service not supported',
    );
  });

  it('re-reads a file every heartbeat, reports changes only, survives a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-disc-'));
    const file = join(dir, 'cluster');
    const d = createDiscovery(`file://${file}`, { heartbeatMs: 30, options: {} });
    const seen: (readonly EngineAddr[])[] = [];
    const errors: string[] = [];
    d.watch({ entries: (a) => seen.push(a), error: (e) => errors.push(e.message) });
    await new Promise((r) => setTimeout(r, 50));
    expect(errors[0]).toContain('does not exist');
    writeFileSync(file, 'a:1\n');
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(file, 'a:1\nb:2\n');
    await new Promise((r) => setTimeout(r, 100));
    d.stop();
    expect(seen).toEqual([['a:1'], ['a:1', 'b:2']]);
  });
});
