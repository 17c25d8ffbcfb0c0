// One published TCP port: each connection goes to the next task (round robin) and its bytes are relayed
// both ways, half-closes included. A task that refuses or does not answer is skipped for the next one.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { log } from '../log.js';
import { Picker, type Backend, type PortListener } from './route.js';

/** A task port that has not answered a SYN by then is taken for gone (its engine may be down). */
const CONNECT_TIMEOUT_MS = 3000;

export class TcpListener implements PortListener {
  private readonly picker = new Picker();
  private readonly server: Server;
  private readonly open_ = new Set<Socket>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly label: string,
  ) {
    // Paused until the task's side is connected: nothing is read that could not be passed on.
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (c) =>
      this.accept(c),
    );
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.host, port: this.port }, () => {
        this.server.off('error', reject);
        this.server.on('error', (err) => log.warn(`Ingress ${this.label}: ${err.message}`));
        resolve();
      });
    });
  }

  setBackends(backends: readonly Backend[]): void {
    this.picker.set(backends);
  }

  /** Stops listening and drops the connections it carries (the service or its port is gone). */
  close(): Promise<void> {
    for (const s of this.open_) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const tried = new Set<string>();
    const attempt = (): void => {
      const b = this.picker.next(tried);
      if (!b || client.destroyed) return void client.destroy();
      tried.add(b.id);
      const up = connect({ host: b.host, port: b.port, allowHalfOpen: true, noDelay: true });
      this.track(up);
      up.setTimeout(CONNECT_TIMEOUT_MS, () => up.destroy(new Error('connect timeout')));
      const failed = (err: Error) => {
        log.debug(`Ingress ${this.label}: task at ${b.host}:${b.port}: ${err.message}`);
        client.off('close', dropUp);
        attempt();
      };
      const dropUp = () => up.destroy();
      up.once('error', failed);
      client.once('close', dropUp);
      up.once('connect', () => {
        up.setTimeout(0);
        up.off('error', failed);
        relay(client, up);
      });
    };
    attempt();
  }

  private track(s: Socket): void {
    this.open_.add(s);
    s.once('close', () => this.open_.delete(s));
  }
}

/** Bytes both ways; an end is passed on as an end (half-close), an error or a close drops both sides. */
function relay(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const drop = () => {
    a.destroy();
    b.destroy();
  };
  a.once('error', drop);
  b.once('error', drop);
  a.once('close', drop);
  b.once('close', drop);
  a.resume();
}
