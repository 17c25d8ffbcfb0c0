// GET /info's answer kept as text: made again when a container, an engine's state or an engine's lists
// change, and at least every 100 ms (for what moves without such a change: refresh times, reservations,
// event listeners). SystemTime is always the time of the request.
import type { ApiDeps } from './deps.js';
import { buildInfo } from './info.js';
import { splitJson, type SplitJson } from './json-split.js';

const MAX_AGE_MS = 100;

interface Kept extends SplitJson {
  readonly generation: number;
  readonly at: number;
  /** Bytes of head and tail (SystemTime, the rest, is ASCII). */
  readonly bytes: number;
}

export class InfoAnswer {
  private generation = 0;
  private kept: Kept | undefined;

  constructor(private readonly deps: ApiDeps) {
    const changed = () => {
      this.generation++;
    };
    deps.pool.onContainerChange(changed);
    deps.pool.onTransition(changed);
    deps.pool.onListChange(changed);
  }

  /** The JSON text (Docker's trailing newline included) and its length in bytes. */
  text(now = Date.now()): { body: string; bytes: number } {
    let k = this.kept;
    if (!k || k.generation !== this.generation || now - k.at > MAX_AGE_MS) {
      const parts = splitJson(buildInfo(this.deps), 'SystemTime');
      const bytes = Buffer.byteLength(parts.head) + Buffer.byteLength(parts.tail) + 1;
      this.kept = k = { ...parts, generation: this.generation, at: now, bytes };
    }
    const time = JSON.stringify(new Date(now).toISOString());
    return { body: `${k.head}${time}${k.tail}\n`, bytes: k.bytes + time.length };
  }
}
