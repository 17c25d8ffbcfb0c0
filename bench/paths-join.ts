// How soon an engine that joins is reachable: node-3 appended to the discovery file (Shoal reads it every
// --heartbeat, 1 s here), then Shoal shows it healthy, node-0's host routes to it, and a container started
// on node-3 on the cluster network gets an HTTP answer from busybox httpd on node-0. Between runs node-3
// leaves the file, Shoal drops it and the other hosts drop their paths to it, and its now stale part of the
// network is removed on the engine itself, so that every join needs a new part, as a new engine would.
import { appendFileSync, writeFileSync } from 'node:fs';
import type { LabLayout, LabNode } from '../src/lab/layout.js';
import { inNetns } from '../src/lab/run.js';
import { docker, ipOf, mustDocker, systemStatus, until, uptimeMs } from './docker-cli.js';

export interface JoinSetup {
  lab: LabLayout;
  /** The discovery file; its first 3 lines are node-0..2. */
  file: string;
  /** Shoal's HTTP base and its DOCKER_HOST. */
  base: string;
  host: string;
  net: string;
  runs: number;
}

/** Each from the moment node-3's line was appended, in ms (the kernel clock's 10 ms steps). */
export interface JoinRun {
  healthyMs: number;
  /** node-0's host has a route to node-3's part (Shoal's paths on that side are in place). */
  pathMs: number;
  /** The probing container on node-3 started (the first `docker run` that got through). */
  startedMs: number;
  reachableMs: number;
}

const WEB = 'pb-web';

/** A node's line in `/info` SystemStatus: `  └ Status` under `  node-3`. */
function nodeStatus(status: [string, string][] | undefined, name: string): string | undefined {
  const at = status?.findIndex(([k]) => k.trim() === name) ?? -1;
  if (at < 0) return undefined;
  return status?.slice(at + 1).find(([k]) => k.includes('└ Status'))?.[1];
}

async function routesTo(node: LabNode, peer: LabNode): Promise<boolean> {
  const routes = await inNetns(node.netns, 'ip', ['route', 'show', 'proto', '233']);
  return routes.includes(`via ${peer.ip} `);
}

/**
 * The probe, in busybox sh: a new HTTP attempt every 50 ms (each with a 1 s timeout, so a dropped SYN does
 * not hold the next one back) until one is answered; prints its own start and the first answer's time.
 */
function probe(web: string): string {
  return `read s _ </proc/uptime; echo start $s; i=0
while [ ! -s /tmp/ok ] && [ $i -lt 300 ]; do
  (printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 1 ${web} 80 2>/dev/null | grep -q '^HTTP/' &&
    read t _ </proc/uptime && echo $t >>/tmp/ok) &
  sleep 0.05; i=$((i+1))
done
sleep 0.1; [ -s /tmp/ok ] && echo ok $(sort -n /tmp/ok | head -n 1)`;
}

/** `docker run` on node-3 until one gets through (node-3 known, its part made); the probe's two times. */
async function reach(s: JoinSetup, web: string, name: string): Promise<{ start: number; ok: number }> {
  const args = ['run', '--name', name, '--net', s.net, '-e', 'constraint:node==node-3', 'busybox:local'];
  return until(
    `a container on node-3 reaching ${web}`,
    async () => {
      const r = await docker(s.host, [...args, 'sh', '-c', probe(web)]);
      const start = /^start (\d+\.\d+)/m.exec(r.stdout);
      if (!start) {
        await docker(s.host, ['rm', '-f', name]);
        return undefined;
      }
      const ok = /^ok (\d+\.\d+)/m.exec(r.stdout);
      if (!ok) throw new Error(`${name} on node-3 never reached ${web}: ${r.stdout}${r.stderr}`);
      return { start: Number(start[1]) * 1000, ok: Number(ok[1]) * 1000 };
    },
    30_000,
    100,
  );
}

async function joinOnce(s: JoinSetup, web: string, name: string): Promise<JoinRun> {
  const [n0, , , joiner] = s.lab.nodes;
  if (!n0 || !joiner) throw new Error('the paths lab has 4 nodes');
  const t0 = uptimeMs();
  appendFileSync(s.file, `${joiner.addr}\n`);
  const since = () => uptimeMs() - t0;
  const [healthyMs, pathMs, probed] = await Promise.all([
    until('node-3 healthy', async () =>
      nodeStatus(await systemStatus(s.base), joiner.name) === 'Healthy' ? since() : undefined,
    ),
    until('node-0 routes to node-3', async () => ((await routesTo(n0, joiner)) ? since() : undefined)),
    reach(s, web, name),
  ]);
  return { healthyMs, pathMs, startedMs: probed.start - t0, reachableMs: probed.ok - t0 };
}

/** node-3 out of the file, out of Shoal, out of the other hosts' routes, and its part of the network gone. */
async function leave(s: JoinSetup, name: string): Promise<void> {
  const joiner = s.lab.nodes[3];
  if (!joiner) throw new Error('the paths lab has 4 nodes');
  await mustDocker(s.host, ['rm', '-f', name]);
  writeFileSync(
    s.file,
    s.lab.nodes
      .slice(0, 3)
      .map((n) => `${n.addr}\n`)
      .join(''),
  );
  await until('node-3 gone from Shoal', async () => {
    const status = await systemStatus(s.base);
    return status && !status.some(([k]) => k.trim() === joiner.name) ? true : undefined;
  });
  for (const node of s.lab.nodes.slice(0, 3)) {
    await until(`${node.name}'s paths to node-3 removed`, async () =>
      (await routesTo(node, joiner)) ? undefined : true,
    );
  }
  await mustDocker(`unix://${joiner.socket}`, ['network', 'rm', s.net]);
}

/** `s.runs` joins of node-3, with a web server on node-0 to reach; node-3 has left again at the end. */
export async function measureJoins(s: JoinSetup): Promise<JoinRun[]> {
  const web = ['run', '-d', '--name', WEB, '--net', s.net, '-e', 'constraint:node==node-0', 'busybox:local'];
  await mustDocker(s.host, [...web, 'httpd', '-f', '-p', '80', '-h', '/tmp']);
  const runs: JoinRun[] = [];
  try {
    const ip = await ipOf(s.host, WEB);
    for (let i = 0; i < s.runs; i++) {
      const name = `pb-late-${i}`;
      runs.push(await joinOnce(s, ip, name));
      await leave(s, name);
    }
    return runs;
  } finally {
    await docker(s.host, ['rm', '-f', WEB]);
  }
}
