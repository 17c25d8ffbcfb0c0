// Running totals Shoal keeps as it works, exposed as counters: placement decisions, reschedules, store,
// Consul and discovery errors, DNS queries.
import type { Registry } from 'prom-client';
import { readCounter } from './define.js';
import type { MetricSources } from './sources.js';

export function registerTallies(registry: Registry, src: MetricSources): void {
  const { totals } = src.decisions;
  readCounter(registry, {
    name: 'shoal_scheduling_decisions_total',
    help: 'Placement decisions, by result (placed, failed).',
    labelNames: ['result'],
    read: () => [
      [{ result: 'placed' }, totals.placed],
      [{ result: 'failed' }, [...totals.failed.values()].reduce((a, b) => a + b, 0)],
    ],
  });
  readCounter(registry, {
    name: 'shoal_scheduling_failures_total',
    help: 'Placements that found no engine, by the filter that rejected (none: no engine at all).',
    labelNames: ['filter'],
    read: () => [...totals.failed].map(([filter, n]) => [{ filter }, n] as const),
  });
  const moves = src.rescheduler.counts;
  readCounter(registry, {
    name: 'shoal_reschedules_total',
    help: 'Containers rescheduled off failed engines (on-node-failure), by result (moved, failed).',
    labelNames: ['result'],
    read: () => [
      [{ result: 'moved' }, moves.moved],
      [{ result: 'failed' }, moves.failed],
    ],
  });
  readCounter(registry, {
    name: 'shoal_reschedule_stale_removed_total',
    help: 'Stale copies of rescheduled containers removed from engines that came back.',
    read: () => [[{}, moves.staleRemoved]],
  });
  readCounter(registry, {
    name: 'shoal_store_errors_total',
    help: 'Cluster state store calls that failed, by operation and error code.',
    labelNames: ['operation', 'code'],
    read: () =>
      [...src.storeErrors].map(([key, n]) => {
        const [operation = '', code = ''] = key.split(' ');
        return [{ operation, code }, n] as const;
      }),
  });
  readCounter(registry, {
    name: 'shoal_consul_errors_total',
    help: 'Consul calls that failed, by reason (unreachable: no agent answered; error_status: Consul refused).',
    labelNames: ['reason'],
    read: () => [
      [{ reason: 'unreachable' }, src.consulFailures.unreachable],
      [{ reason: 'error_status' }, src.consulFailures.errorStatus],
    ],
  });
  readCounter(registry, {
    name: 'shoal_discovery_errors_total',
    help: 'Errors reading the discovery (file or Consul).',
    read: () => [[{}, src.discoveryErrors()]],
  });
  const dns = src.dns;
  if (dns)
    readCounter(registry, {
      name: 'shoal_dns_queries_total',
      help: 'Queries to the embedded DNS, by outcome (answered, forwarded, failed).',
      labelNames: ['outcome'],
      read: () => Object.entries(dns.counts).map(([outcome, n]) => [{ outcome }, n] as const),
    });
}
