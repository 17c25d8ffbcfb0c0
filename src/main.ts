// Wiring only: config → discovery → pool → placement, networks, rescheduling → API.
import { ApiServer } from './api/server.js';
import type { ApiDeps } from './api/deps.js';
import { ReplicaForwarder } from './api/replica-forward.js';
import type { ManageConfig } from './config/manage.js';
import { engineConnectOptions } from './config/tls.js';
import { clusterIdentity } from './discovery/identity.js';
import { createDiscovery } from './discovery/index.js';
import type { Discovery } from './discovery/discovery.js';
import type { Engine } from './engine/engine.js';
import { EventHub } from './events/hub.js';
import { log, setLogFormat, setLogLevel } from './log.js';
import { NetworkReconciler } from './networks/reconcile.js';
import { HostPaths } from './networks/paths/host-paths.js';
import { ClusterDns } from './dns/cluster-dns.js';
import { Ingress } from './ingress/ingress.js';
import { leaderOf } from './nodes/leader.js';
import { Nodes } from './nodes/nodes.js';
import { Placer } from './placement/placer.js';
import { Pool } from './pool/pool.js';
import { Rescheduler } from './reschedule/rescheduler.js';
import { filtersByName, taskFilters } from './scheduler/filters/index.js';
import { resourcesFilter } from './scheduler/filters/resources.js';
import type { Scheduler } from './scheduler/schedule.js';
import { loadStrategy } from './placement/strategy-module.js';
import { startReplication, type Replication } from './replication/replication.js';
import { fileStorePath, openStore, storeSpecFor, type Store } from './store/index.js';
import { scopedStore } from './store/scoped.js';
import { ServicesRuntime } from './services/run/runtime.js';
import type { ServiceSpec } from './services/types.js';
import { keySource } from './secrets/key.js';
import { SecretsRuntime } from './secrets/runtime.js';
import { nodeIdOf } from './docker/swarm-id.js';
import { consulFailures } from './consul/connection.js';
import { MetricsListener } from './metrics/listener.js';
import { ShoalMetrics } from './metrics/metrics.js';
import { countedStore } from './store/counted.js';

export interface Manager {
  readonly pool: Pool;
  readonly placer: Placer;
  readonly hub: EventHub;
  readonly server: ApiServer;
  readonly store: Store;
  readonly services: ServicesRuntime;
  readonly secrets: SecretsRuntime;
  /** The published ingress ports this manager serves (undefined with --ingress-listen off). */
  readonly ingress?: Ingress;
  readonly metrics: ShoalMetrics;
  urls(): string[];
  /** `http://host:port/metrics` of --metrics-listen, when given. */
  metricsUrl(): string | undefined;
  stop(): Promise<void>;
}

export interface ManagerOptions {
  rng?: () => number;
}

export async function startManager(config: ManageConfig, opts: ManagerOptions = {}): Promise<Manager> {
  setLogLevel(config.logLevel);
  setLogFormat(config.logFormat);
  const strategy = await loadStrategy(config.strategy);
  const names = config.filters;
  const scheduler: Scheduler = {
    filters: [...filtersByName(names), resourcesFilter(config.overcommit), ...taskFilters()],
    strategy,
  };
  // A store that cannot be trusted stops the start here (StoreCorruptError), before anything runs.
  // Each cluster (identified by its discovery) keeps its own records, whoever else shares the store.
  const cluster = clusterIdentity(config.discovery);
  const store = countedStore(
    scopedStore(await openStore(storeSpecFor(config), { options: config.discoveryOpts }), cluster),
  );
  // Secrets and configs: sealed with the operator's key, or one kept beside the file store.
  const secrets = new SecretsRuntime({
    store,
    key: keySource(config.secretsKeyFile, fileStorePath(storeSpecFor(config))),
    serviceSpecs: (): ServiceSpec[] => services.records.allServices().map((s) => s.Spec),
  });
  if (config.secretsKeyFile) {
    await secrets.checkKey().catch(async (err: unknown) => {
      await store.close();
      throw err;
    });
  }
  const discovery: Discovery = createDiscovery(config.discovery, {
    heartbeatMs: config.heartbeatMs,
    options: config.discoveryOpts,
  });
  const hub = new EventHub();
  const pool = new Pool(
    {
      failureRetry: config.failureRetry,
      refreshMinMs: config.refreshMinMs,
      refreshMaxMs: config.refreshMaxMs,
      reserveStopped: config.reserveStopped,
      rng: opts.rng,
      tls: engineConnectOptions(config.tls.engines),
    },
    hub,
  );
  const placer = new Placer(pool, {
    scheduler,
    overcommit: config.overcommit,
    createRetry: config.createRetry,
    rng: opts.rng ?? Math.random,
  });
  // The swarm's manager node is this manager, or with --replication the one that leads.
  const nodes = new Nodes(pool, store, {
    cluster,
    networkPool: config.networkPool,
    leader: leaderOf({
      replicated: config.replication && { leaderAddr: () => replication?.election.leaderAddr() },
      urls: () => server.urls(),
    }),
  });
  // Published ingress ports: every manager listens and balances over the tasks (its own pool's view).
  const ingress = config.ingress ? new Ingress({ host: config.ingress.host }) : undefined;
  // Swarm-mode services: records in the store, a loop on the leader that runs their tasks on the engines.
  const services = new ServicesRuntime({
    ingress,
    pool,
    placer,
    store,
    clusterId: cluster,
    leads: () => leads(),
    resolvers: () => dns?.resolvers() ?? [],
    hooks: {
      checkSpec: (spec) => secrets.checkSpec(spec),
      beforeStart: (engine, containerId, task): Promise<void> =>
        secrets.beforeStart(engine, containerId, task),
    },
    nodeName: (nodeId) => {
      for (const [engineId, rec] of nodes.registry.all())
        if (nodeIdOf(engineId) === nodeId) return rec.description.Hostname;
      return pool.all().find((e) => e.id && nodeIdOf(e.id) === nodeId)?.name;
    },
  });
  // Containers on different engines reach each other: paths between the hosts, kept by the leader.
  // The embedded DNS: containers get its addresses as resolvers; the hosts route them here (paths).
  const dns = config.dns
    ? new ClusterDns(pool, {
        listen: config.dns.listen,
        ttl: config.dns.ttlSeconds,
        answers: config.dns.answers,
        workers: config.dns.workers,
        upstreams: config.dns.upstreams,
        rng: opts.rng,
        // With --replication every manager serves DNS; containers get the others' resolvers after its own.
        otherManagers: () => replication?.managers.others().map((m) => m.resolvers) ?? [],
      })
    : undefined;
  const paths = new HostPaths(pool, {
    mode: config.networkPaths,
    leads: () => leads(),
    local: dns
      ? {
          addresses: dns.ownAddresses(),
          hostIp: (ip) => replication?.managers.announce({ host: ip }),
        }
      : undefined,
    managers: () =>
      (replication?.managers.others() ?? []).map((m) => ({ host: m.host ?? '', addresses: m.resolvers })),
  });
  let deps: ApiDeps = {
    pool,
    nodes,
    paths,
    dns,
    services,
    secrets,
    hub,
    placer,
    strategyName: strategy.name,
    filterNames: names,
    cors: config.cors,
    networkPool: config.networkPool,
    store,
    role: () => replication?.role() ?? { role: 'primary' },
    tls: config.tls.front,
    statusLines: () => {
      const lines: [string, string][] = [];
      const d = discovery.status?.();
      if (d) lines.push(['Discovery', d]);
      lines.push(['Store', store.describe()]);
      return lines;
    },
  };
  // Only the leader changes things (a manager without --replication always leads).
  const leads = () => replication?.election.isLeader() ?? true;
  store.setWritable(leads);
  const rescheduler = new Rescheduler(placer, store);
  pool.onTransition((engine, what) => {
    if (leads()) rescheduler.onTransition(engine, what);
  });
  // An engine that joins (or comes back) gets its part of every cluster network.
  const networks = new NetworkReconciler(deps);
  const completeNetworks = (engine: Engine) => networks.engineReady(engine);
  pool.onTransition((engine, what) => {
    if (what !== 'engine_disconnect' && leads()) completeNetworks(engine);
  });
  // An engine that joins (or comes back) is recorded as a swarm node.
  pool.onTransition((engine, what) => {
    if (what !== 'engine_disconnect' && leads()) nodes.engineReady(engine);
  });
  // Metrics read all of the above at each scrape (see src/metrics/).
  let discoveryErrors = 0;
  const metrics = new ShoalMetrics({
    pool,
    decisions: placer.decisions,
    rescheduler,
    services: services.records,
    dns,
    storeErrors: store.errorCounts,
    consulFailures,
    discoveryErrors: () => discoveryErrors,
    leads: () => leads(),
  });
  deps = { ...deps, metrics };
  let replication: Replication | undefined;
  let forwarder: ReplicaForwarder | undefined;
  if (config.replication) {
    replication = startReplication(discovery, config.replication, {
      // A new leader catches up on what happened while it followed.
      elected: () => {
        pool.healthy().forEach(completeNetworks);
        rescheduler.resume();
        void nodes.start();
        void secrets.elected();
        void services.elected();
        void paths.syncAll(true);
      },
      lost: () => undefined,
      leader: () => undefined,
    });
    replication.managers.announce({ resolvers: dns?.ownAddresses() ?? [] });
    replication.managers.onChange(() => paths.managersChanged());
    forwarder = new ReplicaForwarder(replication.election, engineConnectOptions(config.tls.front));
    deps = { ...deps, replica: forwarder };
  }
  const server = new ApiServer(deps);
  try {
    await server.listen(config.hosts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    await pool.stop();
    await store.close();
    if (e.code === 'EADDRINUSE') {
      throw new Error(`${e.message}: is Docker already running on this machine? Try using a different port`);
    }
    throw err;
  }
  const metricsListener = config.metricsListen ? new MetricsListener(metrics) : undefined;
  if (metricsListener && config.metricsListen)
    await metricsListener.listen(config.metricsListen).catch(async (err: unknown) => {
      await server.close();
      await pool.stop();
      await store.close();
      throw new Error(`--metrics-listen: ${(err as Error).message}`);
    });
  void nodes.start();
  void secrets.start();
  void services.start();
  await dns?.start();
  paths.start();
  discovery.watch({
    entries: (addrs) => pool.update(addrs),
    error: (err) => {
      discoveryErrors++;
      log.error(`Discovery error: ${err.message}`);
    },
  });
  log.info(`Listening for ${server.secure ? 'HTTPS' : 'HTTP'} on ${server.urls().join(', ')}`, {
    strategy: strategy.name,
  });
  if (metricsListener) log.info(`Metrics on ${metricsListener.url()}`);
  return {
    pool,
    placer,
    hub,
    server,
    store,
    urls: () => server.urls(),
    services,
    secrets,
    ingress,
    metrics,
    metricsUrl: () => metricsListener?.url(),
    async stop() {
      await metricsListener?.close();
      services.stop();
      secrets.stop();
      await ingress?.close();
      await paths.stop();
      await dns?.stop();
      await replication?.stop();
      await forwarder?.close();
      discovery.stop();
      await server.close();
      await pool.stop();
      await store.close();
    },
  };
}
