// Shoal's DNS server: UDP and TCP on the --dns-listen addresses. Each query is answered from the cluster's
// names (handler.ts) or forwarded upstream; the asker is known by its source address.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { log } from '../log.js';
import { handleQuery, type AnswerSettings } from './handler.js';
import type { NameIndex } from './records.js';
import type { Upstream, Upstreams } from './upstream.js';
import { parseQuery, RCODE_SERVFAIL, encodeEmpty } from './wire.js';

export interface DnsServerDeps {
  index: NameIndex;
  upstreams: Upstreams;
  settings: AnswerSettings;
  /** The asker's own upstreams (its `--dns`), if it had any. */
  upstreamFor(askerIp: string): readonly Upstream[] | undefined;
}

export interface Listen {
  host: string;
  port: number;
}

/** What a server answers on its addresses: both, or TCP only (UDP left to the DNS worker processes). */
export type Transports = 'udp+tcp' | 'tcp';

export class DnsServer {
  private readonly udp: UdpSocket[] = [];
  private readonly tcp: Server[] = [];
  private readonly conns = new Set<Socket>();
  /** Queries answered, by outcome (metrics). */
  readonly counts = { answered: 0, forwarded: 0, failed: 0 };

  constructor(private readonly deps: DnsServerDeps) {}

  async listen(addrs: readonly Listen[], transports: Transports = 'udp+tcp'): Promise<Listen[]> {
    const bound: Listen[] = [];
    for (const a of addrs) {
      if (transports === 'tcp') bound.push({ host: a.host, port: this.keepTcp(await this.bindTcp(a)) });
      else bound.push(await this.listenBoth(a));
    }
    return bound;
  }

  /** UDP and TCP on one port; with port 0, a port both are free on (TCP may find UDP's taken: try again). */
  private async listenBoth(a: Listen): Promise<Listen> {
    for (let attempt = 0; ; attempt++) {
      const u = await this.bindUdp(a);
      const port = u.address().port;
      let t: Server;
      try {
        t = await this.bindTcp({ host: a.host, port });
      } catch (err) {
        u.close();
        if (a.port !== 0 || attempt >= 20 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        continue;
      }
      this.udp.push(u);
      this.keepTcp(t);
      return { host: a.host, port };
    }
  }

  private async bindUdp(a: Listen): Promise<UdpSocket> {
    const u = createSocket({ type: a.host.includes(':') ? 'udp6' : 'udp4' });
    u.on('message', (msg, rinfo) => this.udpQuery(u, msg, rinfo.address, rinfo.port));
    u.on('error', (err) => log.warn(`DNS on udp ${a.host}:${a.port}: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      u.once('error', reject);
      u.bind(a.port, a.host, () => {
        u.off('error', reject);
        resolve();
      });
    });
    return u;
  }

  private async bindTcp(a: Listen): Promise<Server> {
    const t = createServer((sock) => this.tcpConnection(sock));
    await new Promise<void>((resolve, reject) => {
      t.once('error', reject);
      t.listen(a.port, a.host, () => resolve());
    });
    return t;
  }

  private keepTcp(t: Server): number {
    this.tcp.push(t);
    return (t.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const u of this.udp.splice(0)) u.close();
    for (const c of this.conns) c.destroy();
    await Promise.all(this.tcp.map((t) => new Promise<void>((r) => t.close(() => r()))));
    this.deps.upstreams.close();
  }

  /**
   * A UDP query from `asker`: its answer now when the cluster's names have it (no promise), or undefined,
   * with `later` called once an upstream answered (or SERVFAIL); nothing for a packet that is no query.
   * `msg` may be reused once this returns.
   */
  answerUdp(msg: Buffer, asker: string, later: (reply: Buffer) => void): Buffer | undefined {
    const now = this.fromNames(msg, asker, 'udp');
    if (now !== 'forward') return now;
    void this.forwarded(Buffer.from(msg), asker, 'udp').then((reply) => reply && later(reply));
    return undefined;
  }

  private async answer(query: Buffer, asker: string, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const now = this.fromNames(query, asker, transport);
    return now === 'forward' ? this.forwarded(query, asker, transport) : now;
  }

  /** The answer from the cluster's names, 'forward' for a name that is not Shoal's, nothing for no query. */
  private fromNames(query: Buffer, asker: string, transport: 'udp' | 'tcp'): Buffer | 'forward' | undefined {
    const outcome = handleQuery(this.deps.index, query, asker, transport, this.deps.settings);
    if ('drop' in outcome) return undefined;
    if ('forward' in outcome) return 'forward';
    this.counts.answered++;
    return outcome.reply;
  }

  private async forwarded(
    query: Buffer,
    asker: string,
    transport: 'udp' | 'tcp',
  ): Promise<Buffer | undefined> {
    this.counts.forwarded++;
    const got = await this.deps.upstreams.forward(query, transport === 'tcp', this.deps.upstreamFor(asker));
    if (got) return got;
    this.counts.failed++;
    const q = parseQuery(query);
    return q ? encodeEmpty(q, RCODE_SERVFAIL, false) : undefined;
  }

  private udpQuery(sock: UdpSocket, msg: Buffer, host: string, port: number): void {
    const reply = this.answerUdp(msg, unmapped(host), (later) => {
      // The server may have closed while the upstream answered (a manager stopping).
      if (this.udp.includes(sock)) sock.send(later, port, host);
    });
    if (reply) sock.send(reply, port, host);
  }

  private tcpConnection(sock: Socket): void {
    this.conns.add(sock);
    sock.on('close', () => this.conns.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.setTimeout(10_000, () => sock.destroy());
    const asker = unmapped(sock.remoteAddress ?? '');
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const query = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + query.length);
        void this.answer(query, asker, 'tcp').then((reply) => {
          if (!reply || sock.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          sock.write(Buffer.concat([len, reply]));
        });
      }
    });
  }
}

/** `::ffff:198.18.0.1` → `198.18.0.1`. */
function unmapped(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
