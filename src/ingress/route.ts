// What the ingress serves: one published port of one service, and the task ports behind it.

export interface Backend {
  /** Stable while the task runs (its container ID): sessions follow it, not its address. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

export interface IngressRoute {
  readonly protocol: 'tcp' | 'udp';
  /** The published port, on the ingress listen address. */
  readonly port: number;
  /** The service's name, for the log. */
  readonly service: string;
  readonly backends: readonly Backend[];
}

/** A listener for one route: the ingress swaps its backends in place as tasks come and go. */
export interface PortListener {
  open(): Promise<void>;
  setBackends(backends: readonly Backend[]): void;
  close(): Promise<void>;
}

/** Round robin over the current backends; a new list keeps the turn where it was. */
export class Picker {
  private list: readonly Backend[] = [];
  private turn = 0;

  set(backends: readonly Backend[]): void {
    this.list = backends;
  }

  get size(): number {
    return this.list.length;
  }

  /** The next backend not in `skip` (those that already failed this connection), or undefined. */
  next(skip?: ReadonlySet<string>): Backend | undefined {
    const n = this.list.length;
    for (let i = 0; i < n; i++) {
      const b = this.list[this.turn++ % n];
      if (this.turn >= n) this.turn = 0;
      if (b && !skip?.has(b.id)) return b;
    }
    return undefined;
  }

  has(id: string): boolean {
    return this.list.some((b) => b.id === id);
  }
}
