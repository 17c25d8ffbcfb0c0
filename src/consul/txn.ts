// Consul's transaction format (PUT /v1/txn): KV operations as Consul reads them, and its answer when it
// rolls a transaction back.

/** Consul refuses a transaction of more operations than this (413; its maxTxnOps). */
export const MAX_TXN_OPS = 64;

/** One KV operation of a transaction (Consul's verbs); the value is text, sent base64 as Consul wants. */
export interface KvTxnOp {
  verb: 'set' | 'cas' | 'delete' | 'delete-cas' | 'check-index';
  key: string;
  value?: string;
  /** For cas, delete-cas and check-index: the ModifyIndex the key must have (cas 0: must not exist). */
  index?: number;
}

/** A transaction applied, or rolled back with the reason for each operation that failed. */
export type TxnOutcome = { ok: true } | { ok: false; errors: { opIndex: number; what: string }[] };

/** The request body: `[{ "KV": { "Verb", "Key", "Value" (base64), "Index" } }]`. */
export function txnBody(ops: readonly KvTxnOp[]): unknown[] {
  return ops.map((op) => ({
    KV: {
      Verb: op.verb,
      Key: op.key,
      Value: op.value === undefined ? undefined : Buffer.from(op.value, 'utf8').toString('base64'),
      Index: op.index,
    },
  }));
}

/** Consul's 409 body, `{ "Results": null, "Errors": [{ "OpIndex", "What" }] }`, as an outcome. */
export function rolledBack(body: unknown): TxnOutcome {
  const errors = (body as { Errors?: { OpIndex?: number; What?: string }[] | null } | undefined)?.Errors;
  return {
    ok: false,
    errors: (errors ?? []).map((e) => ({ opIndex: e.OpIndex ?? 0, what: e.What ?? '' })),
  };
}
