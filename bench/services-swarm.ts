// Real swarm mode on the bench lab's engines, for comparison, and the lab's own container housekeeping.
// Every address swarm mode picks is set explicitly inside 198.18.0.0/15: the ingress network comes from
// --default-addr-pool, and docker_gwbridge is made by hand on each node before it joins (Docker's documented
// way to choose its subnet). swarmDown leaves the lab as it was: no swarm, no docker_gwbridge.
import type { LabLayout, LabNode } from '../src/lab/layout.js';
import { apiPool, docker, until } from './services-poll.js';

const ADDR_POOL = '198.18.128.0/17';
const gwbridgeSubnet = (n: LabNode) => `198.19.${200 + n.index}.0/24`;
export const sock = (n: LabNode) => `unix://${n.socket}`;

/** The containers on one node (only the running ones with `all` false), as its engine lists them. */
export async function containersOn(n: LabNode, all = true): Promise<string[]> {
  const pool = apiPool(sock(n));
  try {
    const res = await pool.request({ method: 'GET', path: `/v1.41/containers/json?all=${all ? 1 : 0}` });
    return ((await res.body.json()) as { Id: string }[]).map((c) => c.Id);
  } finally {
    await pool.close();
  }
}

/** Waits until no node has a container left (the previous phase's are gone). */
export async function labEmpty(lab: LabLayout, timeoutMs = 60_000): Promise<void> {
  await until(
    'no containers left on the lab',
    async () =>
      (await Promise.all(lab.nodes.map((n) => containersOn(n)))).every((ids) => ids.length === 0)
        ? true
        : undefined,
    timeoutMs,
    100,
  );
}

/** Removes every container on every node (what an earlier section or a failed run left). */
export async function clearLab(lab: LabLayout): Promise<void> {
  for (const n of lab.nodes) {
    const ids = await containersOn(n);
    if (ids.length > 0) await docker(sock(n), ['rm', '-f', ...ids]);
  }
}

async function swarmState(n: LabNode): Promise<string> {
  return (await docker(sock(n), ['info', '-f', '{{.Swarm.LocalNodeState}}'])).trim();
}

/** node-0 inits a swarm, the others join as workers; returns node-0's host (the manager). */
export async function swarmUp(lab: LabLayout): Promise<string> {
  const [first, ...rest] = lab.nodes;
  if (!first) throw new Error('no nodes');
  for (const n of lab.nodes) {
    await docker(sock(n), [
      'network',
      'create',
      '--subnet',
      gwbridgeSubnet(n),
      '--opt',
      'com.docker.network.bridge.name=docker_gwbridge',
      '--opt',
      'com.docker.network.bridge.enable_icc=false',
      '--opt',
      'com.docker.network.bridge.enable_ip_masquerade=true',
      'docker_gwbridge',
    ]);
  }
  const at = (n: LabNode) => [
    '--advertise-addr',
    n.ip,
    '--listen-addr',
    `${n.ip}:2377`,
    '--data-path-addr',
    n.ip,
  ];
  await docker(sock(first), ['swarm', 'init', ...at(first), '--default-addr-pool', ADDR_POOL]);
  const token = (await docker(sock(first), ['swarm', 'join-token', '-q', 'worker'])).trim();
  for (const n of rest)
    await docker(sock(n), ['swarm', 'join', '--token', token, ...at(n), `${first.ip}:2377`]);
  await until(
    `${lab.nodes.length} swarm nodes ready`,
    async () => {
      const out = await docker(sock(first), ['node', 'ls', '--format', '{{.Status}}']);
      return out.split('\n').filter((s) => s === 'Ready').length === lab.nodes.length ? true : undefined;
    },
    30_000,
    200,
  );
  return sock(first);
}

/** Every subnet of every network on every node; throws if one is outside 198.18.0.0/15. */
export async function swarmSubnets(lab: LabLayout): Promise<string[]> {
  const seen: string[] = [];
  for (const n of lab.nodes) {
    const ids = (await docker(sock(n), ['network', 'ls', '-q'])).split('\n').filter(Boolean);
    const out = await docker(sock(n), [
      'network',
      'inspect',
      '-f',
      '{{.Name}}{{range .IPAM.Config}} {{.Subnet}}{{end}}',
      ...ids,
    ]);
    for (const line of out.split('\n').filter(Boolean)) {
      const [name = '', ...subnets] = line.split(' ');
      for (const s of subnets) {
        if (!/^198\.1[89]\./.test(s))
          throw new Error(`${n.name}: network ${name} took ${s}, outside 198.18.0.0/15`);
        if (name === 'ingress' || name === 'docker_gwbridge') seen.push(`${n.name} ${name} ${s}`);
      }
    }
  }
  return seen;
}

/** Every node leaves (workers first), docker_gwbridge goes, and no node is left in a swarm. */
export async function swarmDown(lab: LabLayout): Promise<void> {
  for (const n of [...lab.nodes].reverse()) {
    if ((await swarmState(n).catch(() => 'unknown')) !== 'inactive')
      await docker(sock(n), ['swarm', 'leave', '--force']).catch(() => '');
  }
  // The task containers a leaving node had go with it; anything still there goes before the bridge.
  await clearLab(lab);
  for (const n of lab.nodes) await docker(sock(n), ['network', 'rm', 'docker_gwbridge']).catch(() => '');
  for (const n of lab.nodes) {
    const state = await swarmState(n);
    if (state !== 'inactive') throw new Error(`${n.name} is still in a swarm (${state})`);
    const nets = await docker(sock(n), ['network', 'ls', '--format', '{{.Name}}']);
    if (/^(ingress|docker_gwbridge)$/m.test(nets))
      throw new Error(`${n.name} still has swarm networks: ${nets}`);
  }
}
