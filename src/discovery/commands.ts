// `shoal join` and `shoal list`: the registration agent and a one-shot listing, on any discovery.
import { parseJoinArgs, parseListArgs } from '../config/join.js';
import { ConsulDiscovery } from './consul.js';
import { DiscoveryError, type EngineAddr } from './discovery.js';
import { createDiscovery } from './index.js';
import { catalogRegistration, kvRegistration, runJoin, type Registration } from './join.js';

export async function joinCommand(argv: string[], signal: AbortSignal): Promise<void> {
  const cfg = parseJoinArgs(argv);
  const discovery = createDiscovery(cfg.discovery, {
    heartbeatMs: cfg.heartbeatMs,
    options: cfg.discoveryOpts,
  });
  let reg: Registration;
  if (discovery instanceof ConsulDiscovery) {
    reg =
      discovery.settings.source === 'catalog'
        ? catalogRegistration(discovery, cfg)
        : kvRegistration(discovery, cfg);
  } else {
    // As classic: file:// and node lists cannot be registered into; say so every heartbeat.
    reg = {
      beat: () => Promise.reject(new DiscoveryError('not implemented in this discovery service')),
      stop: () => undefined,
    };
  }
  try {
    await runJoin(reg, cfg, signal);
  } finally {
    discovery.stop();
  }
}

/** The registered engines, once: resolves with the first list, rejects with `Timed out` or the backend's error. */
export async function listEngines(argv: string[]): Promise<EngineAddr[]> {
  const cfg = parseListArgs(argv);
  const discovery = createDiscovery(cfg.discovery, {
    heartbeatMs: cfg.timeoutMs,
    options: cfg.discoveryOpts,
  });
  try {
    return await new Promise<EngineAddr[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DiscoveryError('Timed out')), cfg.timeoutMs);
      discovery.watch({
        entries: (addrs) => {
          clearTimeout(timer);
          resolve([...addrs]);
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  } finally {
    discovery.stop();
  }
}
