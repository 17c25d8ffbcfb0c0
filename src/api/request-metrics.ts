// Each API request counted when its answer has gone (or the client left): method, route pattern, status
// and duration. The route is the pattern it matched, never the raw path, so the series stay few.
import type { ServerResponse } from 'node:http';
import type { ShoalMetrics } from '../metrics/metrics.js';

export function countRequest(
  metrics: ShoalMetrics | undefined,
  res: ServerResponse,
  method: string,
  route: string,
): void {
  if (!metrics) return;
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.observeRequest(method, route, res.headersSent ? res.statusCode : 0, seconds);
  });
}
