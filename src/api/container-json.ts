// One container's `docker ps` entry as JSON text. The presented entry (classic's names and addresses) is
// serialized once per cached container and kept until the container, or its engine's name or address,
// changes; only the Status text, which moves with the clock, is made for each answer.
import type { Engine } from '../engine/engine.js';
import type { CachedContainer } from '../engine/types.js';
import { present, statusOf } from './container-list.js';

interface Serialized {
  readonly engineName: string;
  readonly engineIp: string;
  /** The entry's JSON up to and including `"Status":`, and what follows the status value. */
  readonly head: string;
  readonly tail: string;
}

// Cached containers are replaced, never changed in place, on every update: a new object is a new entry.
const serialized = new WeakMap<CachedContainer, Serialized>();

/** What JSON.stringify(entry) gives, cut around the value of Status. */
function split(entry: Record<string, unknown>): { head: string; tail: string } {
  let head = '{';
  let tail: string | undefined;
  let sep = '';
  for (const key of Object.keys(entry)) {
    if (key === 'Status') {
      head += `${sep}"Status":`;
      tail = '';
      sep = ',';
      continue;
    }
    const value = JSON.stringify(entry[key]) as string | undefined;
    if (value === undefined) continue;
    const part = `${sep}${JSON.stringify(key)}:${value}`;
    if (tail === undefined) head += part;
    else tail += part;
    sep = ',';
  }
  // present() always sets Status, so tail is defined; the guard keeps the text valid regardless.
  return tail === undefined ? { head: `${head}${sep}"Status":`, tail: '}' } : { head, tail: `${tail}}` };
}

export function entryJson(engine: Engine, c: CachedContainer, now: number): string {
  let s = serialized.get(c);
  if (!s || s.engineName !== engine.name || s.engineIp !== engine.ip) {
    s = { engineName: engine.name, engineIp: engine.ip, ...split(present(engine, c, now)) };
    serialized.set(c, s);
  }
  return s.head + JSON.stringify(statusOf(engine, c, now)) + s.tail;
}
