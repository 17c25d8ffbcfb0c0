// A fake Consul HTTP API for the test suite (no Consul server can be installed here), following Consul's
// documented semantics: KV with ModifyIndex/CAS/flags/locks, blocking queries (index, wait,
// X-Consul-Index), transactions (KV verbs, in fake-consul-txn.ts), sessions (TTL, renew, destroy, behaviour
// release/delete, lock-delay), catalog and health service endpoints with TTL checks, and ACL tokens. It has
// tests of its own (test/support-tests).
import {
  createServer as createHttp,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { runTxn } from './fake-consul-txn.js';

export interface KvEntry {
  Key: string;
  Value: Buffer | null;
  Flags: number;
  CreateIndex: number;
  ModifyIndex: number;
  LockIndex: number;
  Session?: string;
}

interface Session {
  ID: string;
  Name: string;
  TTL: string;
  ttlMs: number;
  Behavior: 'release' | 'delete';
  LockDelayMs: number;
  CreateIndex: number;
  timer?: NodeJS.Timeout;
}

interface CatalogService {
  Node: string;
  Address: string;
  ServiceID: string;
  ServiceName: string;
  ServiceAddress: string;
  ServicePort: number;
  ServiceTags: string[];
  checkId?: string;
  index: number;
}

interface Check {
  CheckID: string;
  ServiceID: string;
  Status: 'passing' | 'warning' | 'critical';
  ttlMs?: number;
  timer?: NodeJS.Timeout;
}

export interface FakeConsulOptions {
  /** When set, every request needs this token (X-Consul-Token header or ?token=). */
  aclToken?: string;
  /** Consul refuses session TTLs under 10 s; classic's test harness set session_ttl_min to 1 s. */
  sessionTtlMinMs?: number;
  /** Consul may invalidate a session up to 2 × TTL after its last renewal; the fake takes the worst case. */
  ttlGraceFactor?: number;
  tls?: { key: string; cert: string; ca?: string; requestCert?: boolean };
}

function durationMs(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}

export class FakeConsul {
  private index = 1;
  private readonly kv = new Map<string, KvEntry>();
  /** Index of the last delete of each key (for the index of queries on prefixes). */
  private readonly tombstones = new Map<string, number>();
  private readonly lockDelay = new Map<string, number>();
  readonly sessions = new Map<string, Session>();
  private readonly services = new Map<string, CatalogService>();
  private readonly checks = new Map<string, Check>();
  private catalogIndex = 1;
  private readonly waiters = new Set<() => void>();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  readonly requests: { method: string; path: string }[] = [];

  constructor(private readonly opts: FakeConsulOptions = {}) {}

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(port = this.port): Promise<void> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const t = this.opts.tls;
    const server = t
      ? createHttps(
          {
            key: t.key,
            cert: t.cert,
            ca: t.ca,
            requestCert: t.requestCert ?? false,
            rejectUnauthorized: t.requestCert ?? false,
          },
          handler,
        )
      : createHttp(handler);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Goes away: listener closed, connections cut (state is kept, as a restarted agent would find it). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const sock of this.sockets) sock.destroy();
    this.wake();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) if (s.timer) clearTimeout(s.timer);
    for (const c of this.checks.values()) if (c.timer) clearTimeout(c.timer);
    await this.stop();
  }

  private bump(): number {
    this.index += 1;
    this.wake();
    return this.index;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  // KV

  private matching(key: string, recurse: boolean): KvEntry[] {
    if (!recurse) {
      const e = this.kv.get(key);
      return e ? [e] : [];
    }
    return [...this.kv.values()]
      .filter((e) => e.Key.startsWith(key))
      .sort((a, b) => a.Key.localeCompare(b.Key));
  }

  /** The index of the most recent write affecting a key or prefix. */
  private kvIndex(key: string, recurse: boolean): number {
    let idx = 0;
    for (const e of this.matching(key, recurse)) idx = Math.max(idx, e.ModifyIndex);
    for (const [k, i] of this.tombstones) if (recurse ? k.startsWith(key) : k === key) idx = Math.max(idx, i);
    return idx || this.index;
  }

  private put(key: string, value: Buffer, q: URLSearchParams): boolean {
    const existing = this.kv.get(key);
    const cas = q.get('cas');
    if (cas !== null) {
      const want = Number(cas);
      if (want === 0 ? existing !== undefined : existing?.ModifyIndex !== want) return false;
    }
    const flags = q.has('flags') ? Number(q.get('flags')) : (existing?.Flags ?? 0);
    const acquire = q.get('acquire');
    const release = q.get('release');
    if (acquire !== null) {
      const session = this.sessions.get(acquire);
      if (!session) throw new Error(`invalid session "${acquire}"`);
      if (existing?.Session && existing.Session !== acquire) return false;
      if ((this.lockDelay.get(key) ?? 0) > Date.now()) return false;
      const idx = this.bump();
      const newLock = existing?.Session !== acquire;
      this.kv.set(key, {
        Key: key,
        Value: value,
        Flags: flags,
        CreateIndex: existing?.CreateIndex ?? idx,
        ModifyIndex: idx,
        LockIndex: (existing?.LockIndex ?? 0) + (newLock ? 1 : 0),
        Session: acquire,
      });
      return true;
    }
    if (release !== null) {
      if (!existing || existing.Session !== release) return false;
      const idx = this.bump();
      this.kv.set(key, { ...existing, Value: value, Flags: flags, ModifyIndex: idx, Session: undefined });
      return true;
    }
    const idx = this.bump();
    this.kv.set(key, {
      Key: key,
      Value: value,
      Flags: flags,
      CreateIndex: existing?.CreateIndex ?? idx,
      ModifyIndex: idx,
      LockIndex: existing?.LockIndex ?? 0,
      Session: existing?.Session,
    });
    return true;
  }

  private del(key: string, q: URLSearchParams): boolean {
    const cas = q.get('cas');
    const existing = this.kv.get(key);
    if (cas !== null && existing?.ModifyIndex !== Number(cas)) return false;
    const keys = q.has('recurse') ? [...this.kv.keys()].filter((k) => k.startsWith(key)) : [key];
    const idx = this.bump();
    for (const k of keys) {
      this.kv.delete(k);
      this.tombstones.set(k, idx);
    }
    return true;
  }

  // Sessions

  private armSession(s: Session): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => this.invalidate(s.ID), s.ttlMs * (this.opts.ttlGraceFactor ?? 2));
    s.timer.unref();
  }

  /** A session ends (destroyed or expired): its locks are released or its keys deleted, with lock-delay. */
  /** Keys under a prefix (for assertions). */
  kvKeys(prefix: string): string[] {
    return [...this.kv.keys()].filter((k) => k.startsWith(prefix));
  }

  /** A key's value and holder (for assertions). */
  kvRead(key: string): { value: string; session?: string } | undefined {
    const e = this.kv.get(key);
    return e ? { value: e.Value?.toString() ?? '', session: e.Session } : undefined;
  }

  invalidate(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    if (s.timer) clearTimeout(s.timer);
    this.sessions.delete(id);
    for (const e of [...this.kv.values()]) {
      if (e.Session !== id) continue;
      if (s.LockDelayMs > 0) this.lockDelay.set(e.Key, Date.now() + s.LockDelayMs);
      const idx = this.bump();
      if (s.Behavior === 'delete') {
        this.kv.delete(e.Key);
        this.tombstones.set(e.Key, idx);
      } else {
        this.kv.set(e.Key, { ...e, Session: undefined, ModifyIndex: idx });
      }
    }
  }

  // Catalog, health and checks

  private serviceEntries(name: string, passing: boolean): CatalogService[] {
    return [...this.services.values()].filter((s) => {
      if (s.ServiceName !== name) return false;
      if (!passing) return true;
      const check = s.checkId ? this.checks.get(s.checkId) : undefined;
      return !check || check.Status === 'passing';
    });
  }

  private catalogChanged(): void {
    this.catalogIndex = this.bump();
  }

  private armCheck(c: Check): void {
    if (c.timer) clearTimeout(c.timer);
    if (!c.ttlMs) return;
    c.timer = setTimeout(() => {
      c.Status = 'critical';
      this.catalogChanged();
    }, c.ttlMs);
    c.timer.unref();
  }

  // HTTP

  private send(res: ServerResponse, status: number, body: unknown, index?: number): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | number> = {
      'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json',
      'Content-Length': Buffer.byteLength(text),
    };
    if (index !== undefined) {
      headers['X-Consul-Index'] = index;
      headers['X-Consul-KnownLeader'] = 'true';
      headers['X-Consul-LastContact'] = 0;
    }
    res.writeHead(status, headers);
    res.end(text);
  }

  /** Blocking query: waits while the index is not past `index`, up to `wait` (Consul's default 5 min). */
  private async block(q: URLSearchParams, current: () => number, res: ServerResponse): Promise<void> {
    const want = q.get('index');
    if (want === null || Number(want) === 0) return;
    const waitMs = Math.min(durationMs(q.get('wait') ?? undefined, 300_000), 600_000);
    const deadline = Date.now() + waitMs + Math.floor(Math.random() * (waitMs / 16));
    while (current() <= Number(want) && Date.now() < deadline && !res.destroyed && this.server) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => w(), deadline - Date.now());
        t.unref();
        // Each round's listener goes with the round: a query woken many times keeps none behind.
        const w = () => {
          clearTimeout(t);
          this.waiters.delete(w);
          res.off('close', w);
          resolve();
        };
        this.waiters.add(w);
        res.once('close', w);
      });
    }
  }

  private async body(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private authorised(req: IncomingMessage, q: URLSearchParams): boolean {
    if (!this.opts.aclToken) return true;
    const token =
      (req.headers['x-consul-token'] as string | undefined) ??
      q.get('token') ??
      (req.headers.authorization ?? '').replace(/^Bearer /, '');
    return token === this.opts.aclToken;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    this.requests.push({ method, path });
    if (!this.authorised(req, q)) return this.send(res, 403, 'Permission denied');
    try {
      if (path.startsWith('/v1/kv/'))
        return await this.handleKv(method, path.slice('/v1/kv/'.length), q, req, res);
      if (path === '/v1/txn') return await this.handleTxn(method, req, res);
      if (path.startsWith('/v1/session/'))
        return await this.handleSession(method, path.slice('/v1/session/'.length), req, res);
      if (path.startsWith('/v1/catalog/') || path.startsWith('/v1/health/') || path.startsWith('/v1/agent/'))
        return await this.handleCatalog(method, path, q, req, res);
      if (path === '/v1/status/leader') return this.send(res, 200, JSON.stringify('127.0.0.1:8300'));
      this.send(res, 404, 'Not found');
    } catch (err) {
      this.send(res, 500, (err as Error).message);
    }
  }

  private async handleKv(
    method: string,
    key: string,
    q: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const recurse = q.has('recurse') || q.has('keys');
    if (method === 'GET') {
      await this.block(q, () => this.kvIndex(key, recurse), res);
      const entries = this.matching(key, recurse);
      const idx = this.kvIndex(key, recurse);
      if (q.has('keys')) {
        const sep = q.get('separator');
        const names = entries.map((e) => {
          if (!sep) return e.Key;
          const rest = e.Key.slice(key.length);
          const at = rest.indexOf(sep);
          return at < 0 ? e.Key : key + rest.slice(0, at + sep.length);
        });
        if (names.length === 0) return this.send(res, 404, '', idx);
        return this.send(res, 200, [...new Set(names)], idx);
      }
      if (entries.length === 0) return this.send(res, 404, '', idx);
      if (q.has('raw')) return this.send(res, 200, entries[0]?.Value?.toString('utf8') ?? '', idx);
      return this.send(
        res,
        200,
        entries.map((e) => ({
          ...e,
          Value: e.Value === null ? null : e.Value.toString('base64'),
          Session: e.Session,
        })),
        idx,
      );
    }
    if (method === 'PUT') return this.send(res, 200, this.put(key, await this.body(req), q));
    if (method === 'DELETE') return this.send(res, 200, this.del(key, q));
    this.send(res, 405, 'Method not allowed');
  }

  /** All or nothing: the changes land at one new index (waking blocking queries), or none do. */
  private async handleTxn(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (method !== 'PUT') return this.send(res, 405, 'Method not allowed');
    const answer = runTxn(await this.body(req), this.kv, this.index + 1);
    if (answer.changes && answer.writes) {
      const idx = this.bump();
      for (const [key, entry] of answer.changes) {
        if (entry) this.kv.set(key, entry);
        else if (this.kv.delete(key)) this.tombstones.set(key, idx);
      }
    }
    this.send(res, answer.status, answer.body);
  }

  private async handleSession(
    method: string,
    rest: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const [verb, id = ''] = rest.split('/');
    if (verb === 'create' && method === 'PUT') {
      const raw = (await this.body(req)).toString('utf8');
      const body = (raw ? JSON.parse(raw) : {}) as {
        Name?: string;
        TTL?: string;
        Behavior?: string;
        LockDelay?: string;
      };
      const ttlMs = durationMs(body.TTL, 0);
      const min = this.opts.sessionTtlMinMs ?? 10_000;
      if (body.TTL && (Number.isNaN(ttlMs) || ttlMs < min || ttlMs > 86_400_000)) {
        return this.send(
          res,
          500,
          `Invalid Session TTL '${ttlMs * 1e6}', must be between [${min / 1000}s=24h0m0s]`,
        );
      }
      const s: Session = {
        ID: randomUUID(),
        Name: body.Name ?? '',
        TTL: body.TTL ?? '',
        ttlMs,
        Behavior: body.Behavior === 'delete' ? 'delete' : 'release',
        LockDelayMs: durationMs(body.LockDelay, 15_000),
        CreateIndex: this.bump(),
      };
      this.sessions.set(s.ID, s);
      if (ttlMs > 0) this.armSession(s);
      return this.send(res, 200, { ID: s.ID });
    }
    const view = (s: Session) => ({
      ID: s.ID,
      Name: s.Name,
      TTL: s.TTL,
      Behavior: s.Behavior,
      LockDelay: s.LockDelayMs * 1e6,
      CreateIndex: s.CreateIndex,
    });
    if (verb === 'renew' && method === 'PUT') {
      const s = this.sessions.get(id);
      if (!s) return this.send(res, 404, `Session id '${id}' not found`);
      if (s.ttlMs > 0) this.armSession(s);
      return this.send(res, 200, [view(s)]);
    }
    if (verb === 'destroy' && method === 'PUT') {
      this.invalidate(id);
      return this.send(res, 200, true);
    }
    if (verb === 'info') {
      const s = this.sessions.get(id);
      return this.send(res, 200, s ? [view(s)] : null, this.index);
    }
    if (verb === 'list') return this.send(res, 200, [...this.sessions.values()].map(view), this.index);
    this.send(res, 404, 'Not found');
  }

  private async handleCatalog(
    method: string,
    path: string,
    q: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const json = async () =>
      JSON.parse((await this.body(req)).toString('utf8') || '{}') as Record<string, unknown>;
    if (path === '/v1/agent/service/register' && method === 'PUT') {
      const b = await json();
      const id = String(b['ID'] ?? b['Name']);
      const check = b['Check'] as { TTL?: string; CheckID?: string } | undefined;
      const checkId = check ? (check.CheckID ?? `service:${id}`) : undefined;
      this.services.set(id, {
        Node: 'fake-node',
        Address: '127.0.0.1',
        ServiceID: id,
        ServiceName: String(b['Name']),
        ServiceAddress: typeof b['Address'] === 'string' ? b['Address'] : '',
        ServicePort: Number(b['Port'] ?? 0),
        ServiceTags: (b['Tags'] as string[] | undefined) ?? [],
        checkId,
        index: 0,
      });
      if (checkId) {
        const c: Check = {
          CheckID: checkId,
          ServiceID: id,
          Status: 'critical',
          ttlMs: durationMs(check?.TTL, 0) || undefined,
        };
        this.checks.set(checkId, c);
        this.armCheck(c);
      }
      this.catalogChanged();
      return this.send(res, 200, '');
    }
    const deregister = /^\/v1\/agent\/service\/deregister\/(.+)$/.exec(path);
    if (deregister && method === 'PUT') {
      const s = this.services.get(deregister[1] ?? '');
      if (s?.checkId) {
        const c = this.checks.get(s.checkId);
        if (c?.timer) clearTimeout(c.timer);
        this.checks.delete(s.checkId);
      }
      this.services.delete(deregister[1] ?? '');
      this.catalogChanged();
      return this.send(res, 200, '');
    }
    const pass = /^\/v1\/agent\/check\/(pass|warn|fail)\/(.+)$/.exec(path);
    if (pass && method === 'PUT') {
      const c = this.checks.get(pass[2] ?? '');
      if (!c) return this.send(res, 404, `CheckID "${pass[2]}" does not have associated TTL`);
      const status = pass[1] === 'pass' ? 'passing' : pass[1] === 'warn' ? 'warning' : 'critical';
      const changed = c.Status !== status;
      c.Status = status;
      this.armCheck(c);
      if (changed) this.catalogChanged();
      return this.send(res, 200, '');
    }
    const catalog = /^\/v1\/catalog\/service\/(.+)$/.exec(path);
    const health = /^\/v1\/health\/service\/(.+)$/.exec(path);
    if ((catalog || health) && method === 'GET') {
      await this.block(q, () => this.catalogIndex, res);
      const name = (catalog ?? health)?.[1] ?? '';
      const entries = this.serviceEntries(name, health !== null && q.has('passing'));
      if (catalog)
        return this.send(
          res,
          200,
          entries.map(({ checkId: _c, index: _i, ...s }) => s),
          this.catalogIndex,
        );
      return this.send(
        res,
        200,
        entries.map((s) => ({
          Node: { Node: s.Node, Address: s.Address },
          Service: {
            ID: s.ServiceID,
            Service: s.ServiceName,
            Address: s.ServiceAddress,
            Port: s.ServicePort,
            Tags: s.ServiceTags,
          },
          Checks: s.checkId
            ? [{ CheckID: s.checkId, Status: this.checks.get(s.checkId)?.Status ?? 'critical' }]
            : [],
        })),
        this.catalogIndex,
      );
    }
    this.send(res, 404, 'Not found');
  }
}
