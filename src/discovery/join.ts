// The `join` agent: keeps one engine's address registered in Consul while it runs. KV: the key
// <prefix>/docker/swarm/nodes/<addr> held by a session (TTL = ttl/2, as classic's libkv; behaviour
// delete) renewed every heartbeat. Catalog: a service instance with a TTL check passed every heartbeat.
import { sleep } from '../sleep.js';
import { jitter } from '../backoff.js';
import { splitHostPort } from '../config/host-port.js';
import { keyOf } from '../consul/address.js';
import { ConsulError, type ConsulConnection } from '../consul/connection.js';
import { log } from '../log.js';
import { formatDuration } from '../config/duration.js';
import type { JoinConfig } from '../config/join.js';
import type { ConsulDiscovery } from './consul.js';

export interface Registration {
  /** One heartbeat: make sure the engine is registered and its TTL pushed back. */
  beat(): Promise<void>;
  /** Stops renewing; the registration then expires on its own (as when the agent dies). */
  stop(): void;
}

export function kvRegistration(discovery: ConsulDiscovery, cfg: JoinConfig): Registration {
  const consul: ConsulConnection = discovery.connection;
  const key = keyOf(discovery.nodesKey, cfg.advertise);
  let session: string | undefined;
  return {
    async beat() {
      if (session && !(await consul.renewSession(session))) session = undefined;
      if (!session) {
        // Consul doubles a session's TTL before invalidating it, hence ttl/2 (libkv did the same).
        session = await consul.createSession({
          name: `shoal-join ${cfg.advertise}`,
          ttlMs: cfg.ttlMs / 2,
          behavior: 'delete',
          lockDelayMs: 0,
        });
      }
      // Re-acquiring a lock the session already holds is allowed and restores a key deleted by hand.
      if (!(await consul.put(key, cfg.advertise, { acquire: session }))) {
        throw new ConsulError(`${key} is held by another session`, 409);
      }
    },
    stop() {
      session = undefined;
    },
  };
}

export function catalogRegistration(discovery: ConsulDiscovery, cfg: JoinConfig): Registration {
  const consul = discovery.connection;
  const { host, port } = splitHostPort(cfg.advertise);
  const id = `${discovery.settings.service}-${cfg.advertise}`;
  let registered = false;
  return {
    async beat() {
      if (!registered) {
        await consul.registerService({
          id,
          name: discovery.settings.service,
          address: host,
          port: Number(port),
          ttlMs: cfg.ttlMs,
        });
        registered = true;
      }
      try {
        await consul.passCheck(`service:${id}`);
      } catch (err) {
        // The agent forgot the service (restarted, or deregistered it): register again next beat.
        registered = false;
        throw err;
      }
    },
    stop() {
      registered = false;
    },
  };
}

/** Runs the agent until the signal aborts: registers at once (after the random delay), then every heartbeat. */
export async function runJoin(
  reg: Registration,
  cfg: JoinConfig,
  signal: AbortSignal,
  rng: () => number = Math.random,
): Promise<void> {
  if (cfg.delayMs > 0) await sleep(Math.floor(rng() * cfg.delayMs), signal);
  log.info(`Registering on the discovery service every ${formatDuration(cfg.heartbeatMs)}...`, {
    addr: cfg.advertise,
    discovery: cfg.discovery,
  });
  while (!signal.aborted) {
    let wait = cfg.heartbeatMs;
    try {
      await reg.beat();
    } catch (err) {
      log.error(`Registering ${cfg.advertise}: ${(err as Error).message}`);
      // Classic's heartbeat stays exact; only a retry after a failure gets jitter (never later: the TTL holds).
      wait = jitter(cfg.heartbeatMs, rng);
    }
    await sleep(wait, signal);
  }
  reg.stop();
}
