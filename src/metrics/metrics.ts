// Shoal's Prometheus metrics (prom-client): one registry per manager, so managers in one process never
// share series. Most values are read from Shoal's state at each scrape; API requests are counted as they end.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { SHOAL } from '../version.js';
import { registerCluster } from './cluster.js';
import { readGauge } from './define.js';
import type { MetricSources } from './sources.js';
import { registerTallies } from './tallies.js';

export type { MetricSources } from './sources.js';

/** An API request's route: the pattern it matched (`/containers/{id}/json`), never the raw path. */
export const UNMATCHED_ROUTE = 'unmatched';

export class ShoalMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;

  constructor(sources: MetricSources) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry });
    readGauge(registry, {
      name: 'shoal_build_info',
      help: "Shoal's version and the commit it was built from (always 1).",
      labelNames: ['version', 'commit'],
      read: () => [[{ version: SHOAL.version, commit: SHOAL.commit }, 1]],
    });
    registerCluster(registry, sources);
    registerTallies(registry, sources);
    this.requests = new Counter({
      name: 'shoal_api_requests_total',
      help: 'API requests answered, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'shoal_api_request_duration_seconds',
      help: 'Time from request to the end of the answer (streams count until they end), by method and route pattern.',
      labelNames: ['method', 'route'],
      registers: [registry],
    });
  }

  /** One API request that ended (status 0: the client left before an answer). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
