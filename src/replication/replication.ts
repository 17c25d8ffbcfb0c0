// --replication: the election for one manager, and its place in the list of managers, from its config (a
// replica's forwarding is the API's).
import { keyOf } from '../consul/address.js';
import type { Discovery } from '../discovery/discovery.js';
import { ConsulDiscovery } from '../discovery/consul.js';
import { Election, type ElectionHooks } from './election.js';
import { ManagerDirectory } from './managers.js';

export interface Replication {
  readonly election: Election;
  /** Every manager of the cluster, as each announces itself. */
  readonly managers: ManagerDirectory;
  role(): { role: 'primary' } | { role: 'replica'; primary: string };
  stop(): Promise<void>;
}

export function startReplication(
  discovery: Discovery,
  settings: { advertise: string; ttlMs: number },
  hooks: ElectionHooks,
): Replication {
  if (!(discovery instanceof ConsulDiscovery)) {
    throw new Error('Leader election is only supported with consul discovery.');
  }
  const election = new Election(
    discovery.connection,
    keyOf(discovery.prefix, 'docker/swarm/leader'),
    settings.advertise,
    settings.ttlMs,
    hooks,
  );
  const managers = new ManagerDirectory(
    discovery.connection,
    keyOf(discovery.prefix, 'docker/swarm/managers'),
    settings.advertise,
    settings.ttlMs,
  );
  election.start();
  managers.start();
  return {
    election,
    managers,
    role: () =>
      election.isLeader() ? { role: 'primary' } : { role: 'replica', primary: election.leaderAddr() ?? '' },
    async stop() {
      await election.stop();
      await managers.stop();
    },
  };
}
