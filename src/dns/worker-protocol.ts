// The messages between Shoal and its DNS worker processes (node:cluster's IPC, JSON): a worker says hello,
// is given its settings and every name, then each change of the names; it answers with "ready" (or why it
// could not serve) and, every second it answered anything, its counts since the last.
import type { NameChange, NamedContainer } from './records.js';
import type { Listen } from './server.js';
import type { Upstream } from './upstream.js';

export interface WorkerSettings {
  listen: readonly Listen[];
  /** The UDP sockets, one a listen address, as the worker's descriptors (Shoal binds them, the worker reads). */
  fds: readonly number[];
  ttl: number;
  oneAnswer: boolean;
  upstreams: readonly Upstream[];
}

export interface Counts {
  answered: number;
  forwarded: number;
  failed: number;
}

export type ToWorker =
  { start: WorkerSettings; names: NamedContainer[] } | { changes: readonly NameChange[] };

export type FromWorker = { hello: true } | { ready: true } | { failed: string } | { counts: Counts };

export const COUNTS_EVERY_MS = 1000;
