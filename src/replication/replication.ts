// --replication: the election and the replica's forwarder for one manager, from its config.
import type { ConnectionOptions } from 'node:tls';
import { keyOf } from '../consul/address.js';
import type { Discovery } from '../discovery/discovery.js';
import { ConsulDiscovery } from '../discovery/consul.js';
import { Election, type ElectionHooks } from './election.js';
import { ReplicaForwarder } from './forward.js';

export interface Replication {
  readonly election: Election;
  readonly forwarder: ReplicaForwarder;
  role(): { role: 'primary' } | { role: 'replica'; primary: string };
  stop(): Promise<void>;
}

export function startReplication(
  discovery: Discovery,
  settings: { advertise: string; ttlMs: number },
  tls: ConnectionOptions | undefined,
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
  const forwarder = new ReplicaForwarder(election, tls);
  election.start();
  return {
    election,
    forwarder,
    role: () =>
      election.isLeader() ? { role: 'primary' } : { role: 'replica', primary: election.leaderAddr() ?? '' },
    async stop() {
      await election.stop();
      await forwarder.close();
    },
  };
}
