// Networks named in a create body: `<node>/<name>` pins the container to that node (the network lives only
// there), a cluster network's ID becomes its name (which every engine knows).
import { parseExpr, type Expr } from '../scheduler/expr.js';
import { findNetwork } from '../networks/cluster-networks.js';
import type { Pool } from '../pool/pool.js';

/** Rewrites the body's network references; returns the constraint they imply, if any. */
export function resolveNetworks(pool: Pool, body: Record<string, unknown>): Expr | undefined {
  let pin: string | undefined;
  const rewrite = (ref: string): string => {
    if (['default', 'bridge', 'host', 'none'].includes(ref) || ref.startsWith('container:')) return ref;
    const found = findNetwork(pool, ref);
    if (!found) return ref;
    if (found.kind === 'cluster') return found.network.name;
    pin = found.engine.name;
    return found.network.Name;
  };
  const hc = body['HostConfig'] as Record<string, unknown> | undefined;
  if (hc && typeof hc['NetworkMode'] === 'string') hc['NetworkMode'] = rewrite(hc['NetworkMode']);
  const nc = body['NetworkingConfig'] as { EndpointsConfig?: Record<string, unknown> } | undefined;
  if (nc?.EndpointsConfig) {
    nc.EndpointsConfig = Object.fromEntries(
      Object.entries(nc.EndpointsConfig).map(([k, v]) => [rewrite(k), v]),
    );
  }
  return pin ? parseExpr(`node==${pin}`) : undefined;
}
