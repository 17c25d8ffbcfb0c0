// Shoal's ingress: every published ingress port of every service is a listener on this manager, balancing
// over the service's running tasks (each publishes its target port on an engine port). `apply()` takes the
// whole table each time: new ports open, gone ones close, the others get their new task list in place.
import { log } from '../log.js';
import type { IngressRoute, PortListener } from './route.js';
import { TcpListener } from './tcp.js';
import { UdpListener } from './udp.js';

/** A port that could not be opened (in use, privileged) is tried again after this long. */
const RETRY_MS = 5000;

export interface IngressOptions {
  /** The address the published ports listen on. */
  host: string;
  /** How long a port that could not be opened waits before the next try (default 5 s). */
  retryMs?: number;
  /** For tests: make the listener of a route. */
  listener?: (host: string, route: IngressRoute, label: string) => PortListener;
}

interface Open {
  listener: PortListener;
  service: string;
  ready: Promise<boolean>;
}

const keyOf = (r: { protocol: string; port: number }) => `${r.port}/${r.protocol}`;

export class Ingress {
  private readonly open = new Map<string, Open>();
  private readonly failedAt = new Map<string, number>();
  private closed = false;

  constructor(private readonly opts: IngressOptions) {}

  get host(): string {
    return this.opts.host;
  }

  /** Makes the listeners match `routes` (one per protocol and port; a later duplicate is ignored). */
  apply(routes: readonly IngressRoute[]): void {
    if (this.closed) return;
    const want = new Map<string, IngressRoute>();
    for (const r of routes) if (!want.has(keyOf(r))) want.set(keyOf(r), r);
    for (const [key, o] of this.open) {
      const r = want.get(key);
      if (r && r.service === o.service) continue;
      this.open.delete(key);
      log.info(`Ingress: ${o.service} no longer publishes ${key}`);
      void o.listener.close();
    }
    for (const [key, r] of want) {
      const cur = this.open.get(key);
      if (cur) cur.listener.setBackends(r.backends);
      else this.start(key, r);
    }
  }

  /** The ports being served, once listening: `8080/tcp`… */
  async listening(): Promise<string[]> {
    const out: string[] = [];
    for (const [key, o] of this.open) if (await o.ready) out.push(key);
    return out.sort();
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((o) => o.listener.close()));
  }

  private start(key: string, r: IngressRoute): void {
    if (Date.now() - (this.failedAt.get(key) ?? -Infinity) < (this.opts.retryMs ?? RETRY_MS)) return;
    const label = `${this.opts.host}:${key} (${r.service})`;
    const make =
      this.opts.listener ??
      ((host, route, l) =>
        route.protocol === 'udp'
          ? new UdpListener(host, route.port, l)
          : new TcpListener(host, route.port, l));
    const listener = make(this.opts.host, r, label);
    listener.setBackends(r.backends);
    const ready = listener.open().then(
      () => {
        this.failedAt.delete(key);
        log.info(`Ingress: serving ${label}`);
        return true;
      },
      (err: unknown) => {
        // Said once at error level; the retries every few seconds only at debug level.
        const again = this.failedAt.has(key);
        this.failedAt.set(key, Date.now());
        if (this.open.get(key)?.listener === listener) this.open.delete(key);
        (again ? log.debug : log.error)(`Ingress: cannot listen on ${label}: ${(err as Error).message}`);
        return false;
      },
    );
    this.open.set(key, { listener, service: r.service, ready });
  }
}
