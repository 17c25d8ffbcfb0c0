// Picks the store from --store: `file:///abs/path` or a plain path (the embedded file), or
// `consul://h:p[,h:p]/prefix` (Consul KV, with the kv.* discovery options for TLS and the ACL token).
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { consulTarget } from '../consul/address.js';
import { ConsulConnection } from '../consul/connection.js';
import { ConsulStore } from './consul-store.js';
import { StoreSpecError } from './errors.js';
import { FileStore } from './file-store.js';
import type { Store } from './store.js';

export type { Store, StoreEntry, StoreOp } from './store.js';

export interface StoreOptions {
  /** The --discovery-opt values (kv.cacertfile, kv.certfile, kv.keyfile, kv.token). */
  options?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

export async function openStore(spec: string, opts: StoreOptions = {}): Promise<Store> {
  if (spec.startsWith('consul://')) {
    let target;
    try {
      target = consulTarget(spec.slice('consul://'.length), opts.options ?? {}, opts.env);
    } catch (err) {
      throw new StoreSpecError(spec, (err as Error).message);
    }
    return new ConsulStore(new ConsulConnection(target), target.prefix);
  }
  if (spec.startsWith('file://')) {
    const path = decodeURIComponent(spec.slice('file://'.length));
    if (!isAbsolute(path)) throw new StoreSpecError(spec, 'a file:// store needs an absolute path');
    return FileStore.open(path);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec))
    throw new StoreSpecError(spec, 'expected file:///path, a path, or consul://host:port/prefix');
  if (spec === '') throw new StoreSpecError(spec, 'empty');
  return FileStore.open(resolve(spec));
}

/** The file a store spec names (undefined for Consul), once openStore has accepted the spec. */
export function fileStorePath(spec: string): string | undefined {
  if (spec.startsWith('consul://')) return undefined;
  if (spec.startsWith('file://')) return decodeURIComponent(spec.slice('file://'.length));
  return resolve(spec);
}

/** Where the file store lives unless --store says otherwise: the system's state directory for root. */
export function defaultStorePath(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  if (uid === 0) return '/var/lib/shoal/state.json';
  const base = env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  return join(base, 'shoal', 'state.json');
}

/**
 * The store a manager opens: --store when given; else, with --replication (Consul discovery), Consul at the
 * discovery's own address and prefix, which every manager shares so a failover loses nothing; else the file.
 */
export function storeSpecFor(
  config: { store?: string; replication?: unknown; discovery: string },
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (config.store) return config.store;
  if (config.replication && config.discovery.startsWith('consul://')) return config.discovery;
  return `file://${defaultStorePath(env)}`;
}
