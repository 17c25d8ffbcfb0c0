// Which manager the swarm's manager node is: this one when it runs alone (its first TCP listener), or the
// --replication election's leader, by its advertised address (the key its node ID derives from).
import { hostname } from 'node:os';
import type { LeaderNode } from './node-object.js';

export interface LeaderSource {
  /** With --replication: the leader's advertised address, undefined while none is known. */
  replicated?: { leaderAddr(): string | undefined };
  /** This manager's listeners (tcp://host:port, unix:///path). */
  urls(): string[];
}

export function leaderOf(src: LeaderSource): () => LeaderNode | undefined {
  return () => {
    if (src.replicated) {
      const addr = src.replicated.leaderAddr();
      return addr ? { addr, key: addr } : undefined;
    }
    return { addr: listenAddr(src.urls()), key: '' };
  };
}

/** host:port of the first TCP listener; an unspecified host (0.0.0.0, ::) reads as this machine's name. */
export function listenAddr(urls: string[]): string {
  const tcp = urls.find((u) => u.startsWith('tcp://'));
  if (!tcp) return hostname();
  const addr = tcp.slice('tcp://'.length);
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon);
  return host === '0.0.0.0' || host === '[::]' ? `${hostname()}${addr.slice(colon)}` : addr;
}
