// One container's `docker ps` entry as JSON text. The presented entry (classic's names and addresses) is
// serialized once per cached container and kept until the container, or its engine's name or address,
// changes; only the Status text, which moves with the clock, is made for each answer.
import type { Engine } from '../engine/engine.js';
import type { CachedContainer } from '../engine/types.js';
import { present, statusOf } from './container-list.js';
import { splitJson, type SplitJson } from './json-split.js';

interface Serialized extends SplitJson {
  readonly engineName: string;
  readonly engineIp: string;
}

// Cached containers are replaced, never changed in place, on every update: a new object is a new entry.
const serialized = new WeakMap<CachedContainer, Serialized>();

export function entryJson(engine: Engine, c: CachedContainer, now: number): string {
  let s = serialized.get(c);
  if (!s || s.engineName !== engine.name || s.engineIp !== engine.ip) {
    s = { engineName: engine.name, engineIp: engine.ip, ...splitJson(present(engine, c, now), 'Status') };
    serialized.set(c, s);
  }
  return s.head + JSON.stringify(statusOf(engine, c, now)) + s.tail;
}
