// The store in Consul KV, under `<prefix>/shoal/state/<key>`: shared by every manager, so a failover loses
// nothing. Versions are Consul's ModifyIndex, conditional writes use its check-and-set, and batches its
// transactions.
import { keyOf } from '../consul/address.js';
import { ConsulError, type ConsulConnection, type KvPair } from '../consul/connection.js';
import { MAX_TXN_OPS, type KvTxnOp, type TxnOutcome } from '../consul/txn.js';
import { StoreCorruptError, StoreReadOnlyError, StoreUnavailableError } from './errors.js';
import {
  checkBatch,
  checkKey,
  jsonCopy,
  type CheckedOp,
  type Store,
  type StoreEntry,
  type StoreOp,
} from './store.js';

export class ConsulStore implements Store {
  /** The directory the records live in ("<prefix>/shoal/state"). */
  readonly base: string;
  private writable: () => boolean = () => true;

  constructor(
    private readonly connection: ConsulConnection,
    prefix: string,
  ) {
    this.base = keyOf(prefix, 'shoal/state');
  }

  async read(key: string): Promise<StoreEntry | undefined> {
    const { pair } = await this.call(() => this.connection.get(this.full(key)));
    return pair ? this.entry(key, pair) : undefined;
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    const { pairs } = await this.call(() => this.connection.list(`${this.base}/${prefix}`));
    return pairs
      .filter((p) => !p.key.endsWith('/'))
      .map((p) => this.entry(p.key.slice(this.base.length + 1), p))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async write(key: string, value: unknown, expectedVersion?: number): Promise<boolean> {
    const full = this.full(key);
    const text = JSON.stringify(jsonCopy(value));
    if (!this.writable()) throw new StoreReadOnlyError(key);
    const opts = expectedVersion === undefined ? {} : { cas: expectedVersion };
    return this.call(() => this.connection.put(full, text, opts));
  }

  async delete(key: string, expectedVersion?: number): Promise<boolean> {
    const full = this.full(key);
    if (!this.writable()) throw new StoreReadOnlyError(key);
    // Consul's cas=0 never deletes; the store's contract says the same (nothing is at version 0).
    const opts = expectedVersion === undefined ? {} : { cas: expectedVersion };
    return this.call(() => this.connection.delete(full, opts));
  }

  /**
   * In Consul transactions of at most 64 operations (Consul's limit; a delete at a version takes two). A
   * batch that fits in one transaction is atomic. A larger batch is atomic per chunk only: the chunks go in
   * order, and the answer is false at the first chunk whose check failed, with the chunks before it written
   * and the ones after it not tried.
   */
  async writeMany(ops: readonly StoreOp[]): Promise<boolean> {
    const groups = checkBatch(ops).map((op) => ({ key: op.key, txn: this.txnOps(op) }));
    for (const chunk of chunks(groups)) {
      // Checked per chunk: a manager that stops leading mid-batch writes no further chunk.
      if (!this.writable()) throw new StoreReadOnlyError(chunk.key);
      const outcome = await this.call(() => this.connection.txn(chunk.ops));
      if (outcome.ok) continue;
      if (failedChecksOnly(chunk.ops, outcome)) return false;
      const why = outcome.errors.map((e) => e.what).join('; ');
      throw new StoreUnavailableError(`consul ${this.base}`, `transaction refused: ${why}`);
    }
    return true;
  }

  setWritable(fn: () => boolean): void {
    this.writable = fn;
  }

  describe(): string {
    return `consul ${this.connection.host} ${this.base}`;
  }

  close(): Promise<void> {
    this.connection.close();
    return Promise.resolve();
  }

  private full(key: string): string {
    return `${this.base}/${checkKey(key)}`;
  }

  /** A store op as Consul operations: one, or for a delete at a version, an index check and the delete. */
  private txnOps(op: CheckedOp): KvTxnOp[] {
    const key = this.full(op.key);
    const index = op.expectedVersion;
    if (op.kind === 'write') {
      const value = JSON.stringify(op.value);
      return [index === undefined ? { verb: 'set', key, value } : { verb: 'cas', key, value, index }];
    }
    if (index === undefined) return [{ verb: 'delete', key }];
    // Consul's delete-cas succeeds on an absent key; the store's contract says false (nothing is at any
    // version), and check-index fails on an absent key, so it goes first.
    return [
      { verb: 'check-index', key, index },
      { verb: 'delete-cas', key, index },
    ];
  }

  private entry(key: string, pair: KvPair): StoreEntry {
    try {
      return { key, value: JSON.parse(pair.value) as unknown, version: pair.modifyIndex };
    } catch {
      throw new StoreCorruptError(`consul key ${pair.key}`, 'it does not hold JSON');
    }
  }

  /** Consul's errors (unreachable, ACL refusal, 5xx) become StoreUnavailableError: callers log and retry. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConsulError) throw new StoreUnavailableError(`consul ${this.base}`, err.message);
      throw err;
    }
  }
}

/**
 * The store ops' Consul operations as transactions of at most MAX_TXN_OPS, in order, never splitting one
 * store op's; each named by its first store key (for a refusal).
 */
function chunks(groups: readonly { key: string; txn: KvTxnOp[] }[]): { key: string; ops: KvTxnOp[] }[] {
  const out: { key: string; ops: KvTxnOp[] }[] = [];
  for (const g of groups) {
    const last = out[out.length - 1];
    if (last && last.ops.length + g.txn.length <= MAX_TXN_OPS) last.ops.push(...g.txn);
    else out.push({ key: g.key, ops: [...g.txn] });
  }
  return out;
}

/**
 * A rollback is the store's "false" only when every failure is a check that did not hold. Consul also rolls
 * back (409) for an ACL token without key:write, and marks that with "Permission denied" (its own test,
 * acl.IsErrPermissionDenied, matches that text too).
 */
function failedChecksOnly(ops: readonly KvTxnOp[], outcome: TxnOutcome & { ok: false }): boolean {
  if (outcome.errors.length === 0) return false;
  return outcome.errors.every((e) => {
    const verb = ops[e.opIndex]?.verb;
    const isCheck = verb === 'cas' || verb === 'check-index' || verb === 'delete-cas';
    return isCheck && !/permission denied/i.test(e.what);
  });
}
