// The fake Consul's transaction endpoint (PUT /v1/txn), KV operations only, following Consul's
// agent/txn_endpoint.go and state/txn.go: every operation runs in order on the transaction's own view, every
// failure is reported, and the changes are kept only when none failed.
import type { KvEntry } from './fake-consul.js';

/** Consul's maxTxnOps: a larger transaction is refused before any of it runs. */
export const MAX_TXN_OPS = 64;

interface KvOp {
  Verb: string;
  Key: string;
  Value: Buffer | null;
  Flags: number;
  Index: number;
}

export interface TxnAnswer {
  status: number;
  body: unknown;
  /** What to commit at the transaction's index (undefined: delete); only with status 200. */
  changes?: Map<string, KvEntry | undefined>;
  /** Whether the transaction writes (a read-only one takes no index). */
  writes?: boolean;
}

const WRITE_VERBS = new Set(['set', 'cas', 'delete', 'delete-cas', 'delete-tree']);
/** Consul's verbs that need sessions or trees the fake's transactions do not model: a loud 400. */
const NOT_IMPLEMENTED = new Set(['lock', 'unlock', 'check-session', 'get-tree', 'get-or-empty']);

/** The request body as KV operations, or the 400 text Consul would answer. */
function parse(raw: Buffer): KvOp[] | string {
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return `Failed to parse body: ${(err as Error).message}`;
  }
  if (!Array.isArray(doc))
    return 'Failed to parse body: json: cannot unmarshal into Go value of type api.TxnOps';
  const ops: KvOp[] = [];
  for (const item of doc as { KV?: Record<string, unknown> }[]) {
    const kv = item?.KV;
    // Node, Service and Check operations are Consul's too, but nothing here uses them: fail loudly.
    if (!kv) return 'Failed to parse body: the fake Consul implements only KV operations';
    const { Verb = '', Key = '', Value: value } = kv;
    if (typeof Verb !== 'string' || typeof Key !== 'string')
      return 'Failed to parse body: KV Verb and Key must be strings';
    if (value !== undefined && value !== null && typeof value !== 'string')
      return `Failed to parse body: unexpected value type: ${typeof value}`;
    ops.push({
      Verb,
      Key,
      Value: typeof value === 'string' ? Buffer.from(value, 'base64') : null,
      Flags: Number(kv['Flags'] ?? 0),
      Index: Number(kv['Index'] ?? 0),
    });
  }
  return ops;
}

function result(e: KvEntry, withValue: boolean): unknown {
  const { Value, Session, ...rest } = e;
  return {
    KV: {
      ...rest,
      Value: withValue && Value ? Value.toString('base64') : null,
      ...(Session ? { Session } : {}),
    },
  };
}

/** Runs one transaction against the KV entries; `idx` is the index its writes take. */
export function runTxn(raw: Buffer, kv: ReadonlyMap<string, KvEntry>, idx: number): TxnAnswer {
  const ops = parse(raw);
  if (typeof ops === 'string') return { status: 400, body: ops };
  if (ops.length > MAX_TXN_OPS)
    return { status: 413, body: `Transaction contains too many operations (${ops.length} > ${MAX_TXN_OPS})` };
  const missing = ops.find((op) => NOT_IMPLEMENTED.has(op.Verb));
  if (missing) return { status: 400, body: `the fake Consul does not implement KV verb "${missing.Verb}"` };
  const txn = new Txn(kv, idx);
  const errors: { OpIndex: number; What: string }[] = [];
  ops.forEach((op, i) => {
    const what = txn.apply(op);
    if (what !== undefined) errors.push({ OpIndex: i, What: what });
  });
  if (errors.length > 0) return { status: 409, body: { Results: null, Errors: errors } };
  return {
    status: 200,
    body: { Results: txn.results, Errors: null },
    changes: txn.changes,
    writes: ops.some((op) => WRITE_VERBS.has(op.Verb)),
  };
}

/** The transaction's own view of the KV entries: the changes so far over the entries before it. */
class Txn {
  readonly changes = new Map<string, KvEntry | undefined>();
  readonly results: unknown[] = [];

  constructor(
    private readonly kv: ReadonlyMap<string, KvEntry>,
    private readonly idx: number,
  ) {}

  private view(key: string): KvEntry | undefined {
    return this.changes.has(key) ? this.changes.get(key) : this.kv.get(key);
  }

  private set(op: KvOp): undefined {
    const old = this.view(op.Key);
    const entry: KvEntry = {
      Key: op.Key,
      Value: op.Value,
      Flags: op.Flags,
      CreateIndex: old?.CreateIndex ?? this.idx,
      ModifyIndex: this.idx,
      LockIndex: old?.LockIndex ?? 0,
      Session: old?.Session,
    };
    this.changes.set(op.Key, entry);
    this.results.push(result(entry, false));
    return undefined;
  }

  private remove(key: string): undefined {
    if (this.view(key)) this.changes.set(key, undefined);
    return undefined;
  }

  /** One operation; the reason it failed, if it did (Consul's wording). */
  apply(op: KvOp): string | undefined {
    const cur = this.view(op.Key);
    const key = JSON.stringify(op.Key);
    switch (op.Verb) {
      case 'set':
        return this.set(op);
      case 'cas':
        // Index 0: set only if the key does not exist.
        if (op.Index === 0 ? cur !== undefined : cur?.ModifyIndex !== op.Index)
          return `failed to set key ${key}, index is stale`;
        return this.set(op);
      case 'get':
        if (!cur) return `key ${key} doesn't exist`;
        this.results.push(result(cur, true));
        return undefined;
      case 'check-index':
        if (!cur) return `failed to check index, key ${key} doesn't exist`;
        if (cur.ModifyIndex !== op.Index)
          return `failed index check for key ${key}, current modify index ${cur.ModifyIndex} != ${op.Index}`;
        this.results.push(result(cur, false));
        return undefined;
      case 'check-not-exists':
        return cur ? `key ${key} exists` : undefined;
      case 'delete':
        return this.remove(op.Key);
      case 'delete-cas':
        // Consul's rule: an absent key counts as deleted, whatever the index.
        if (cur && cur.ModifyIndex !== op.Index) return `failed to delete key ${key}, index is stale`;
        return this.remove(op.Key);
      case 'delete-tree':
        for (const k of new Set([...this.kv.keys(), ...this.changes.keys()]))
          if (k.startsWith(op.Key)) this.remove(k);
        return undefined;
      default:
        return `unknown KV verb ${JSON.stringify(op.Verb)}`;
    }
  }
}
