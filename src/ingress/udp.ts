// One published UDP port: each client (address and port) is a session bound to one task, kept while it
// is active; the task's answers go back to the client from the published port.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { log } from '../log.js';
import { Picker, type Backend, type PortListener } from './route.js';

/** A session without a datagram either way for this long is forgotten (a conntrack-like timeout). */
const IDLE_MS = 30_000;

interface Session {
  backend: Backend;
  up: Socket;
  last: number;
}

export class UdpListener implements PortListener {
  private readonly picker = new Picker();
  private readonly socket: Socket;
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly label: string,
  ) {
    this.socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    this.socket.on('message', (msg, from) => this.forward(msg, from));
    this.sweeper = setInterval(() => this.sweep(Date.now()), IDLE_MS / 3);
    this.sweeper.unref();
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind({ address: this.host, port: this.port }, () => {
        this.socket.off('error', reject);
        this.socket.on('error', (err) => log.warn(`Ingress ${this.label}: ${err.message}`));
        resolve();
      });
    });
  }

  /** Sessions whose task is gone end; their next datagram picks another task. */
  setBackends(backends: readonly Backend[]): void {
    this.picker.set(backends);
    for (const [key, s] of this.sessions) if (!this.picker.has(s.backend.id)) this.end(key, s);
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const [key, s] of this.sessions) this.end(key, s);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private forward(msg: Buffer, from: RemoteInfo): void {
    const key = `${from.address}|${from.port}`;
    let s = this.sessions.get(key);
    if (!s) {
      const backend = this.picker.next();
      if (!backend) return;
      const up = createSocket(isIPv6(backend.host) ? 'udp6' : 'udp4');
      up.on('message', (answer) => {
        const cur = this.sessions.get(key);
        if (cur) cur.last = Date.now();
        this.socket.send(answer, from.port, from.address);
      });
      up.on('error', (err) => {
        log.debug(`Ingress ${this.label}: task at ${backend.host}:${backend.port}: ${err.message}`);
        const cur = this.sessions.get(key);
        if (cur?.up === up) this.end(key, cur);
      });
      s = { backend, up, last: Date.now() };
      this.sessions.set(key, s);
    }
    s.last = Date.now();
    s.up.send(msg, s.backend.port, s.backend.host);
  }

  private sweep(now: number): void {
    for (const [key, s] of this.sessions) if (now - s.last > IDLE_MS) this.end(key, s);
  }

  private end(key: string, s: Session): void {
    this.sessions.delete(key);
    try {
      s.up.close();
    } catch {
      // Already closed after an error.
    }
  }
}
