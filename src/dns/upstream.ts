// Names that are not Shoal's go to upstream resolvers (a container's own `--dns`, else Shoal's): at most
// three, each tried in turn with a timeout, with a cap on queries in flight; a truncated answer is asked
// again over TCP when the client came over TCP.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export interface UpstreamOptions {
  servers: readonly Upstream[];
  timeoutMs?: number;
  maxInFlight?: number;
}

const MAX_SERVERS = 3;

/** `198.18.0.1`, `198.18.0.1:5353`, `[fd00::1]:53` or a bare IPv6 address; port 53 unless given. */
export function parseUpstream(text: string): Upstream {
  const v6 = /^\[(.+)\](?::(\d+))?$/.exec(text);
  if (v6) return { host: v6[1] ?? '', port: Number(v6[2] ?? 53) };
  if (text.split(':').length > 2) return { host: text, port: 53 };
  const [host = '', port] = text.split(':');
  return { host, port: port ? Number(port) : 53 };
}

interface Pending {
  resolve(answer: Buffer | undefined): void;
  timer: NodeJS.Timeout;
}

export class Upstreams {
  private socket: UdpSocket | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = Math.floor(Math.random() * 0xffff);

  constructor(private readonly opts: UpstreamOptions) {}

  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * The upstream's answer (with the client's ID), or undefined when none answered or too many queries are
   * in flight (the caller answers SERVFAIL). `servers` replaces the default list (a container's own).
   */
  async forward(query: Buffer, tcp: boolean, servers?: readonly Upstream[]): Promise<Buffer | undefined> {
    const list = (servers && servers.length > 0 ? servers : this.opts.servers).slice(0, MAX_SERVERS);
    if (list.length === 0 || this.pending.size >= (this.opts.maxInFlight ?? 512)) return undefined;
    for (const server of list) {
      // A UDP client given a truncated answer asks again over TCP, and that query goes over TCP here.
      const answer = tcp ? await this.viaTcp(query, server) : await this.viaUdp(query, server);
      if (answer) return answer;
    }
    return undefined;
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.resolve(undefined);
    }
    this.pending.clear();
  }

  private udp(): UdpSocket {
    if (this.socket) return this.socket;
    const s = createSocket('udp4');
    s.on('message', (msg) => {
      if (msg.length < 12) return;
      const p = this.pending.get(msg.readUInt16BE(0));
      if (p) p.resolve(msg);
    });
    s.on('error', () => undefined);
    s.unref();
    this.socket = s;
    return s;
  }

  private viaUdp(query: Buffer, server: Upstream): Promise<Buffer | undefined> {
    const id = this.freeId();
    const clientId = query.readUInt16BE(0);
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const done = (answer: Buffer | undefined) => {
        const p = this.pending.get(id);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(id);
        if (answer) answer.writeUInt16BE(clientId, 0);
        resolve(answer);
      };
      const timer = setTimeout(() => done(undefined), this.opts.timeoutMs ?? 2000);
      this.pending.set(id, { resolve: done, timer });
      this.udp().send(out, server.port, server.host, (err) => {
        if (err) done(undefined);
      });
    });
  }

  private viaTcp(query: Buffer, server: Upstream): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      const sock = connect({ host: server.host, port: server.port });
      let buf = Buffer.alloc(0);
      const finish = (answer: Buffer | undefined) => {
        sock.destroy();
        clearTimeout(timer);
        resolve(answer);
      };
      const timer = setTimeout(() => finish(undefined), this.opts.timeoutMs ?? 2000);
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length);
        sock.write(Buffer.concat([len, query]));
      });
      sock.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
          finish(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      sock.on('error', () => finish(undefined));
      sock.on('end', () => finish(undefined));
    });
  }

  private freeId(): number {
    for (;;) {
      this.nextId = (this.nextId + 1) & 0xffff;
      if (!this.pending.has(this.nextId)) return this.nextId;
    }
  }
}
