// What every discovery backend offers: a watch that reports the full list of engine addresses on change.

/** An engine address: "host:port" for TCP, or "unix:///path/to/docker.sock". */
export type EngineAddr = string;

/** What every backend is created with: the --heartbeat and the --discovery-opt values. */
export interface DiscoveryOptions {
  heartbeatMs: number;
  options: Record<string, string>;
}

export interface DiscoveryListener {
  /** The complete current list; called whenever it changes (and once at start). */
  entries(addrs: readonly EngineAddr[]): void;
  /** A backend problem; the watch keeps going and retries on its own. */
  error(err: Error): void;
}

export interface Discovery {
  /** The scheme this backend was chosen by: nodes, file, consul. */
  readonly scheme: string;
  watch(listener: DiscoveryListener): void;
  /** A line for `docker info` when the backend has state worth telling (Consul reachable or not). */
  status?(): string;
  stop(): void;
}

export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}
