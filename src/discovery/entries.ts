// Parsing engine address lists: "h:p,h:p", unix:// sockets, classic's ranges ("198.18.0.[10:12]:2375").
import { splitHostPort } from '../config/host-port.js';
import { DiscoveryError, type EngineAddr } from './discovery.js';

/** Expands one `[a:b]` range (inclusive, integers) anywhere in the text; a non-integer range is kept as is. */
export function expandRange(text: string): string[] {
  const m = /\[(.+):(.+)\]/.exec(text);
  if (!m) return [text];
  const from = m[1] ?? '';
  const to = m[2] ?? '';
  if (!/^-?\d+$/.test(from) || !/^-?\d+$/.test(to)) return [text];
  const a = Number(from);
  const b = Number(to);
  const out: string[] = [];
  const head = text.slice(0, m.index);
  const tail = text.slice(m.index + m[0].length);
  for (let i = a; i <= b && out.length < 65_536; i++) out.push(`${head}${i}${tail}`);
  return out;
}

/** Validates and normalises one entry: `tcp://h:p` → `h:p`, `unix:///p` kept. */
export function normaliseEntry(raw: string): EngineAddr {
  const entry = raw.trim();
  if (entry.startsWith('unix://')) {
    if (entry.length <= 'unix://'.length) throw new DiscoveryError(`address ${entry}: missing socket path`);
    return entry;
  }
  const bare = entry.startsWith('tcp://') ? entry.slice('tcp://'.length) : entry;
  const { host, port } = splitHostPort(bare);
  if (host === '') throw new DiscoveryError(`address ${bare}: missing host in address`);
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new DiscoveryError(`address ${bare}: invalid port`);
  return bare;
}

/** Parses a comma-separated list with ranges; bad entries fail with classic's hint. */
export function parseEntryList(list: string): EngineAddr[] {
  const out: EngineAddr[] = [];
  for (const element of list.split(',')) {
    if (element.trim() === '') continue;
    for (const expanded of expandRange(element.trim())) {
      try {
        out.push(normaliseEntry(expanded));
      } catch (err) {
        throw new DiscoveryError(
          `${(err as Error).message}, please check you are using the correct discovery (missing token:// ?)`,
        );
      }
    }
  }
  return dedupe(out);
}

/** File discovery format: one entry per line, `#` comments (whole line or trailing), ranges allowed. */
export function parseFileContent(content: string): EngineAddr[] {
  const out: EngineAddr[] = [];
  for (const rawLine of content.trim().split('\n')) {
    let line = rawLine.trim();
    if (line.startsWith('#')) continue;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash).trim();
    if (line === '') continue;
    for (const expanded of expandRange(line)) out.push(normaliseEntry(expanded));
  }
  return dedupe(out);
}

function dedupe(list: EngineAddr[]): EngineAddr[] {
  return [...new Set(list)];
}
