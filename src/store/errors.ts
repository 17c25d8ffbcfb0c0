// The cluster state store's typed errors: each with a stable code, so callers branch on the class, not text,
// and an error kind, which gives an API answer its status (src/errors.ts).
import type { ErrorKind } from '../errors.js';

export type StoreErrorCode = 'corrupt' | 'readOnly' | 'unavailable' | 'conflict' | 'spec';

export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
  abstract readonly kind: ErrorKind;
}

/** The store's file (or a record in Consul) cannot be trusted; it is never replaced by an empty state. */
export class StoreCorruptError extends StoreError {
  override name = 'StoreCorruptError';
  readonly code = 'corrupt';
  readonly kind = 'internal';
  constructor(
    readonly location: string,
    readonly problem: string,
  ) {
    super(
      `the cluster state store ${location} cannot be used: ${problem}. It was left untouched; ` +
        `to start over with an empty state, move it away (the cluster networks, reschedule records and ` +
        `node specs it holds are then forgotten)`,
    );
  }
}

/** A write on a manager that does not (or no longer) lead: only the leader changes the cluster state. */
export class StoreReadOnlyError extends StoreError {
  override name = 'StoreReadOnlyError';
  readonly code = 'readOnly';
  /** A manager that does not lead cannot serve the change: 503, as when no leader is known. */
  readonly kind = 'unavailable';
  constructor(readonly key: string) {
    super(`cannot change ${key} in the cluster state store: this manager is not the leader`);
  }
}

/** The backend cannot be reached (Consul down, disk error): the caller logs and tries again later. */
export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
  readonly code = 'unavailable';
  readonly kind = 'unavailable';
  constructor(location: string, cause: string) {
    super(`the cluster state store ${location} is unavailable: ${cause}`);
  }
}

/** A read-modify-write lost the race too many times in a row. */
export class StoreConflictError extends StoreError {
  override name = 'StoreConflictError';
  readonly code = 'conflict';
  readonly kind = 'conflict';
  constructor(key: string, attempts: number) {
    super(`${key} in the cluster state store kept changing under concurrent writes (${attempts} attempts)`);
  }
}

/** A --store value that names no backend. */
export class StoreSpecError extends StoreError {
  override name = 'StoreSpecError';
  readonly code = 'spec';
  readonly kind = 'internal';
  constructor(spec: string, why: string) {
    super(`invalid --store ${JSON.stringify(spec)}: ${why}`);
  }
}

/** An update that names a version the object no longer has: swarm mode's text and status (500). */
export class OutOfSequenceError extends Error {
  override name = 'OutOfSequenceError';
  readonly kind = 'internal';
  constructor() {
    super('rpc error: code = Unknown desc = update out of sequence');
  }
}
