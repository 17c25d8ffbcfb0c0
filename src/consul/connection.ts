// One Consul connection over the npm `consul` client: KV with indexes, blocking reads, transactions,
// sessions, health.
// Every call asks for the HTTP response too: it carries X-Consul-Index, and papi turns a JSON `false`
// body (a failed CAS or lock) into `undefined` unless the response is included.
import { EventEmitter } from 'node:events';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import Consul from 'consul';
import { formatDuration } from '../config/duration.js';
import type { ConsulTarget } from './address.js';
import { rolledBack, txnBody, type KvTxnOp, type TxnOutcome } from './txn.js';

export interface KvPair {
  key: string;
  value: string;
  modifyIndex: number;
  flags: number;
  session?: string;
}

export interface Blocking {
  /** X-Consul-Index of the previous answer; the call returns when it moves past it (or on wait). */
  index?: number;
  waitMs?: number;
  signal?: AbortSignal;
}

export interface SessionSpec {
  name: string;
  ttlMs: number;
  behavior: 'release' | 'delete';
  lockDelayMs?: number;
}

export interface ServiceInstance {
  id: string;
  address: string;
  port: number;
}

/** Consul answered with an error status (the client's error, with the status and decoded body kept). */
export class ConsulError extends Error {
  override name = 'ConsulError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

interface RawPair {
  Key: string;
  Value: string | null;
  ModifyIndex: number;
  Flags?: number;
  Session?: string;
}
type Response = { headers: Record<string, string | undefined>; statusCode: number };
type Ctx = EventEmitter & { includeResponse: true };

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Calls that failed since the process started, every connection together (the metrics read these): no agent
 * could be reached, or Consul answered with an error status (not 404 or 409, which callers expect).
 */
export const consulFailures = { unreachable: 0, errorStatus: 0 };

/** A Go duration for Consul ("10s", "1.5s"), at least a millisecond. */
function seconds(ms: number): string {
  return formatDuration(Math.max(1, Math.ceil(ms)));
}

export class ConsulConnection {
  private readonly clients: Consul[];
  private current = 0;

  constructor(readonly target: ConsulTarget) {
    this.clients = target.hosts.map((h) => {
      const colon = h.lastIndexOf(':');
      const tls = target.tls;
      const agent = tls
        ? new HttpsAgent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key })
        : new HttpAgent({ keepAlive: true });
      return new Consul({
        host: h.slice(0, colon).replace(/^\[|\]$/g, ''),
        port: h.slice(colon + 1),
        secure: tls !== undefined,
        agent,
        defaults: target.token ? { token: target.token } : undefined,
      } as never);
    });
  }

  /** The agent currently used ("host:port"). */
  get host(): string {
    return this.target.hosts[this.current] ?? '';
  }

  close(): void {
    for (const c of this.clients) c.destroy();
  }

  /**
   * One call, on the current agent, then on each other agent if it cannot be reached.
   * Consul's own error answers (403, 404, 500) are not retried elsewhere.
   */
  private async call<T>(
    what: (c: Consul, ctx: Ctx) => Promise<unknown>,
    signal?: AbortSignal,
  ): Promise<[Response, T]> {
    let lastErr: unknown;
    for (let tries = 0; tries < this.clients.length; tries++) {
      const client = this.clients[this.current] as Consul;
      const ctx = Object.assign(new EventEmitter(), { includeResponse: true as const });
      const abort = () => ctx.emit('cancel');
      signal?.addEventListener('abort', abort, { once: true });
      try {
        return (await what(client, ctx)) as [Response, T];
      } catch (err) {
        const status = (err as { statusCode?: number; isResponse?: boolean }).isResponse
          ? (err as { statusCode?: number }).statusCode
          : undefined;
        if (status !== undefined || signal?.aborted) {
          if (status !== undefined && status !== 404 && status !== 409 && !signal?.aborted)
            consulFailures.errorStatus++;
          const body = (err as { response?: { body?: unknown } }).response?.body;
          const text = typeof body === 'string' && body.trim() ? body.trim() : (err as Error).message;
          throw new ConsulError(`consul ${this.host}: ${text}`, status, body);
        }
        lastErr = err;
        this.current = (this.current + 1) % this.clients.length;
      } finally {
        signal?.removeEventListener('abort', abort);
      }
    }
    consulFailures.unreachable++;
    throw new ConsulError(
      `consul ${this.target.hosts.join(',')} unreachable: ${(lastErr as Error).message}`,
      undefined,
    );
  }

  private blockingOpts(b: Blocking): Record<string, unknown> {
    if (b.index === undefined) return { timeout: REQUEST_TIMEOUT_MS };
    const waitMs = b.waitMs ?? 30_000;
    // Consul adds up to wait/16 of jitter; leave room for it before giving up on the socket.
    return { index: String(b.index), wait: seconds(waitMs), timeout: waitMs + waitMs / 16 + 5_000 };
  }

  /** Every pair under a prefix (recursively), and the index to block on next. */
  async list(prefix: string, b: Blocking = {}): Promise<{ pairs: KvPair[]; index: number }> {
    const [res, body] = await this.call<RawPair[] | undefined>(
      (c, ctx) => c.kv.get({ key: prefix, recurse: true, ctx, ...this.blockingOpts(b) } as never),
      b.signal,
    );
    return { pairs: (body ?? []).map(toPair), index: indexOf(res) };
  }

  async get(key: string, b: Blocking = {}): Promise<{ pair: KvPair | undefined; index: number }> {
    const [res, body] = await this.call<RawPair | undefined>(
      (c, ctx) => c.kv.get({ key, ctx, ...this.blockingOpts(b) } as never),
      b.signal,
    );
    return { pair: body ? toPair(body) : undefined, index: indexOf(res) };
  }

  /** PUT with optional cas / acquire / release; true when Consul took it. */
  async put(
    key: string,
    value: string,
    opts: { cas?: number; acquire?: string; release?: string; flags?: number } = {},
  ): Promise<boolean> {
    const [, ok] = await this.call<boolean>((c, ctx) =>
      c.kv.set({ key, value, ctx, timeout: REQUEST_TIMEOUT_MS, ...opts } as never),
    );
    return ok === true;
  }

  async delete(key: string, opts: { cas?: number; recurse?: boolean } = {}): Promise<boolean> {
    const [, ok] = await this.call<boolean>((c, ctx) =>
      c.kv.del({ key, ctx, timeout: REQUEST_TIMEOUT_MS, ...opts } as never),
    );
    return ok === true;
  }

  /**
   * One transaction (PUT /v1/txn, at most MAX_TXN_OPS operations): all applied, or none. A rolled-back
   * transaction is Consul's 409 with the failed operations, an outcome here; any other refusal is a
   * ConsulError, as for every call.
   */
  async txn(ops: readonly KvTxnOp[]): Promise<TxnOutcome> {
    try {
      await this.call((c, ctx) =>
        c.transaction.create(txnBody(ops) as never, { ctx, timeout: REQUEST_TIMEOUT_MS } as never),
      );
      return { ok: true };
    } catch (err) {
      if (err instanceof ConsulError && err.status === 409) return rolledBack(err.body);
      throw err;
    }
  }

  async createSession(spec: SessionSpec): Promise<string> {
    const [, body] = await this.call<{ ID: string }>((c, ctx) =>
      c.session.create({
        name: spec.name,
        ttl: seconds(spec.ttlMs),
        behavior: spec.behavior,
        lockdelay: `${spec.lockDelayMs ?? 15_000}ms`,
        ctx,
        timeout: REQUEST_TIMEOUT_MS,
      } as never),
    );
    return body.ID;
  }

  /** Renews a session; false when Consul no longer has it (expired or destroyed). */
  async renewSession(id: string): Promise<boolean> {
    try {
      await this.call((c, ctx) => c.session.renew({ id, ctx, timeout: REQUEST_TIMEOUT_MS } as never));
      return true;
    } catch (err) {
      if (err instanceof ConsulError && err.status === 404) return false;
      throw err;
    }
  }

  async destroySession(id: string): Promise<void> {
    await this.call((c, ctx) => c.session.destroy({ id, ctx, timeout: REQUEST_TIMEOUT_MS } as never));
  }

  /** Instances of a service whose checks all pass (health endpoint, blocking). */
  async passing(service: string, b: Blocking = {}): Promise<{ instances: ServiceInstance[]; index: number }> {
    const [res, body] = await this.call<
      { Node?: { Address?: string }; Service: { ID: string; Address?: string; Port: number } }[] | undefined
    >(
      (c, ctx) => c.health.service({ service, passing: true, ctx, ...this.blockingOpts(b) } as never),
      b.signal,
    );
    const instances = (body ?? []).map((e) => ({
      id: e.Service.ID,
      // A service without its own address is at its node's address (Consul's rule).
      address: e.Service.Address || e.Node?.Address || '',
      port: e.Service.Port,
    }));
    return { instances, index: indexOf(res) };
  }

  async registerService(spec: { id: string; name: string; address: string; port: number; ttlMs: number }) {
    await this.call((c, ctx) =>
      c.agent.service.register({
        id: spec.id,
        name: spec.name,
        address: spec.address,
        port: spec.port,
        check: { ttl: seconds(spec.ttlMs), deregistercriticalserviceafter: '1m' },
        ctx,
        timeout: REQUEST_TIMEOUT_MS,
      } as never),
    );
  }

  async passCheck(checkId: string): Promise<void> {
    await this.call((c, ctx) =>
      c.agent.check.pass({ id: checkId, ctx, timeout: REQUEST_TIMEOUT_MS } as never),
    );
  }

  async deregisterService(id: string): Promise<void> {
    await this.call((c, ctx) =>
      c.agent.service.deregister({ id, ctx, timeout: REQUEST_TIMEOUT_MS } as never),
    );
  }
}

function indexOf(res: Response): number {
  const n = Number(res.headers['x-consul-index']);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function toPair(raw: RawPair): KvPair {
  const pair: KvPair = {
    key: raw.Key,
    value: raw.Value ?? '',
    modifyIndex: raw.ModifyIndex,
    flags: raw.Flags ?? 0,
  };
  if (raw.Session) pair.session = raw.Session;
  return pair;
}
