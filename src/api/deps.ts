// What the API handlers work with: the pool, placement, the event hub, the store and the settings.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TlsConfig } from '../config/tls.js';
import type { EventHub } from '../events/hub.js';
import type { Nodes } from '../nodes/nodes.js';
import type { Placer } from '../placement/placer.js';
import type { Pool } from '../pool/pool.js';
import type { HostPaths } from '../networks/paths/host-paths.js';
import type { ClusterDns } from '../dns/cluster-dns.js';
import type { SecretsRuntime } from '../secrets/runtime.js';
import type { ServicesRuntime } from '../services/run/runtime.js';
import type { Store } from '../store/store.js';
import type { ShoalMetrics } from '../metrics/metrics.js';

export interface ApiDeps {
  readonly pool: Pool;
  readonly hub: EventHub;
  /** The one way containers, builds and volumes are placed (with the scheduler and its settings). */
  readonly placer: Placer;
  /** The --strategy value and the --filter names, as `docker info` shows them. */
  readonly strategyName: string;
  readonly filterNames: readonly string[];
  readonly cors: boolean;
  /** --network-pool: where cluster networks get their per-engine subnets. */
  readonly networkPool: string;
  /** Cross-engine paths between the parts of cluster networks (src/networks/paths/). */
  readonly paths?: HostPaths;
  /** The embedded DNS (with --dns-listen): containers are made with its addresses as resolvers. */
  readonly dns?: ClusterDns;
  /** The cluster state store: network records, reschedule bookkeeping. */
  readonly store: Store;
  /** Swarm mode's nodes (the engines, and Shoal's manager) and the swarm object. */
  readonly nodes: Nodes;
  /** Swarm mode's services and tasks (the loop that runs them is the leader's). */
  readonly services: ServicesRuntime;
  /** Swarm mode's secrets and configs (a secret's data never leaves in an answer). */
  readonly secrets: SecretsRuntime;
  /** TLS on every listener (--tls, --tlsverify); plain HTTP when absent. */
  readonly tls?: TlsConfig;
  /** With --replication: a replica sends what it does not answer itself to the leader. */
  readonly replica?: {
    forwards(path: string): boolean;
    forward(req: IncomingMessage, res: ServerResponse): Promise<void>;
    forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  };
  /** Prometheus metrics: GET /metrics, and each request counted (absent: neither). */
  readonly metrics?: ShoalMetrics;
  /** Extra `docker info` status lines (discovery and store state). */
  statusLines?(): [string, string][];
  /** "primary" or "replica" (with the primary's address). */
  role(): { role: 'primary' } | { role: 'replica'; primary: string };
}
