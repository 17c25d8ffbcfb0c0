// The cluster state store: a small versioned key/value document store for what Shoal must not lose and the
// engines cannot tell (cluster networks, reschedule bookkeeping). Backends: an embedded file and Consul KV.

export interface StoreEntry {
  key: string;
  /** JSON data (a copy: changing it changes nothing stored). */
  value: unknown;
  /** Moves on every write of the key (Consul's ModifyIndex); never 0, which means "absent". */
  version: number;
}

/** One change in a batch (Store.writeMany). */
export type StoreOp =
  | { key: string; value: unknown; expectedVersion?: number } // write (expectedVersion 0: must not exist)
  | { key: string; delete: true; expectedVersion?: number }; // delete (absent is fine without expectedVersion)

export interface Store {
  read(key: string): Promise<StoreEntry | undefined>;
  /** Every entry whose key starts with the prefix (a plain string prefix: pass "networks/"), by key. */
  list(prefix: string): Promise<StoreEntry[]>;
  /**
   * Writes a JSON value. With expectedVersion, only if the key is still at that version (0: must not
   * exist): false when it is not (someone else wrote first). Throws StoreReadOnlyError when not writable.
   */
  write(key: string, value: unknown, expectedVersion?: number): Promise<boolean>;
  /** Deletes a key (absent is fine); with expectedVersion, only at that version, else false. */
  delete(key: string, expectedVersion?: number): Promise<boolean>;
  /**
   * Writes and deletes together: every expectation is checked first, and when one fails nothing is written
   * and the answer is false. Each key at most once (else TypeError); an empty batch changes nothing and is
   * true. Throws StoreReadOnlyError when not writable. ConsulStore: a batch above 64 Consul operations is
   * atomic per chunk only (see there).
   */
  writeMany(ops: readonly StoreOp[]): Promise<boolean>;
  /** Writes are refused while this says false: a manager that is not (or no longer) the leader. */
  setWritable(fn: () => boolean): void;
  /** For `docker info`: "file /var/lib/shoal/state.json (12 records)", "consul 127.0.0.1:8500 p/shoal/state". */
  describe(): string;
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9][\w.:-]*(\/[A-Za-z0-9][\w.:-]*)*$/;

/** Keys are slash-separated words ("networks/<id>"): the same text in a file and under a Consul prefix. */
export function checkKey(key: string): string {
  if (!KEY.test(key)) throw new TypeError(`invalid store key ${JSON.stringify(key)}`);
  return key;
}

/** A JSON copy of a value (what a backend keeps and hands out). */
export function jsonCopy(value: unknown): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('a store value must be JSON');
  return JSON.parse(text) as unknown;
}

/** A batch op once checked: the key valid, a write's value a JSON copy (what the backends act on). */
export type CheckedOp =
  | { kind: 'write'; key: string; value: unknown; expectedVersion?: number }
  | { kind: 'delete'; key: string; expectedVersion?: number };

/** Checks a whole batch before any of it is applied: valid keys, each key once, values that are JSON. */
export function checkBatch(ops: readonly StoreOp[]): CheckedOp[] {
  const seen = new Set<string>();
  return ops.map((op) => {
    const key = checkKey(op.key);
    // Two changes of one key in a batch have no order a backend could agree on: a caller's mistake.
    if (seen.has(key)) throw new TypeError(`store key ${JSON.stringify(key)} appears twice in one batch`);
    seen.add(key);
    const { expectedVersion } = op;
    return 'delete' in op
      ? { kind: 'delete', key, expectedVersion }
      : { kind: 'write', key, value: jsonCopy(op.value), expectedVersion };
  });
}
