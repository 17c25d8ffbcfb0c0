// The lab's names and addresses, all inside 198.18.0.0/15 (never 10/8, 172.16/12 or 192.168/16).
import { join } from 'node:path';

export const MAX_NODES = 16;
export const ENGINE_PORT = 2375;
/** Docker's port for TLS, used by a lab started with TLS (the plain port is then off). */
export const ENGINE_TLS_PORT = 2376;

export interface LabNode {
  index: number;
  /** The engine's hostname, which is its name in the cluster. */
  name: string;
  netns: string;
  ip: string;
  /** host:port for TCP. */
  addr: string;
  socket: string;
  dir: string;
  pidfile: string;
  bip: string;
  /** The node's container subnet (for routes between nodes). */
  bridgeSubnet: string;
  addressPool: string;
  /** Where this node's parts of Shoal cluster networks come from (routed to it from every other node). */
  clusterPool: string;
  labels: string[];
  /** A TLS lab: the engine's CA, certificate and key (dockerd --tlsverify). */
  tls?: { ca: string; cert: string; key: string };
}

export interface LabLayout {
  name: string;
  dir: string;
  /** Third octet of 198.18.<k>.0/24: labs with different k can run side by side. */
  subnetIndex: number;
  switchNetns: string;
  hostVeth: string;
  hostIp: string;
  nodes: LabNode[];
  /** A TLS lab's certificates: ca.pem and one directory per node, `manager` (Shoal's), `client` (a CLI user's). */
  tlsDir?: string;
  /**
   * The lab routes between its nodes (container subnets, cluster pools, forwarding rules). Without, its
   * engines are plain hosts that route nothing: what Shoal must cope with on engines it did not set up.
   */
  routes: boolean;
}

export function defaultLabels(i: number): string[] {
  return [`storage=${i % 2 === 0 ? 'ssd' : 'disk'}`, `zone=${['a', 'b', 'c'][i % 3] ?? 'a'}`];
}

export function labLayout(
  name: string,
  baseDir: string,
  n: number,
  subnetIndex: number,
  labels: string[][] = [],
  tls = false,
  routes = true,
): LabLayout {
  if (!/^[a-z0-9]{1,8}$/.test(name))
    throw new Error(`lab name must be 1-8 lowercase letters or digits: ${name}`);
  if (!Number.isInteger(n) || n < 1 || n > MAX_NODES)
    throw new Error(`a lab has 1 to ${MAX_NODES} nodes, not ${n}`);
  const dir = join(baseDir, name);
  const tlsDir = tls ? join(dir, 'tls') : undefined;
  const net = `198.18.${subnetIndex}`;
  const nodes: LabNode[] = [];
  for (let i = 0; i < n; i++) {
    const ndir = join(dir, `node-${i}`);
    const ip = `${net}.${10 + i}`;
    nodes.push({
      index: i,
      name: `node-${i}`,
      netns: `${name}-n${i}`,
      ip,
      addr: `${ip}:${tls ? ENGINE_TLS_PORT : ENGINE_PORT}`,
      socket: join(ndir, 'docker.sock'),
      dir: ndir,
      pidfile: join(ndir, 'docker.pid'),
      bip: `198.19.${i}.1/24`,
      bridgeSubnet: `198.19.${i}.0/24`,
      addressPool: `198.19.${128 + 8 * i}.0/21`,
      clusterPool: `198.19.${64 + 4 * i}.0/22`,
      labels: [
        ...(labels.length > 0 ? (labels[i % labels.length] ?? []) : defaultLabels(i)),
        // Only a lab that routes each node's pool to it may say so; plain hosts take parts from Shoal's pool.
        ...(routes ? [`shoal.network-pool=198.19.${64 + 4 * i}.0/22`] : []),
      ],
      tls:
        tlsDir === undefined
          ? undefined
          : {
              ca: join(tlsDir, `node-${i}`, 'ca.pem'),
              cert: join(tlsDir, `node-${i}`, 'cert.pem'),
              key: join(tlsDir, `node-${i}`, 'key.pem'),
            },
    });
  }
  return {
    name,
    dir,
    subnetIndex,
    switchNetns: `${name}-sw`,
    hostVeth: `${name}-h`,
    hostIp: `${net}.1`,
    nodes,
    tlsDir,
    routes,
  };
}
