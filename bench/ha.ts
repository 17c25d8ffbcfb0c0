// Issue 5's figures, against the fake Consul (no Consul server can be installed here): time from an
// engine's registration in Consul to its first scheduled container, and leader failover time over 5 kills.
import { ConsulConnection } from '../src/consul/connection.js';
import { FakeConsul } from '../test/support/fake-consul.js';
import { startManager, type Child } from './children.js';
import { benchLab } from './lab.js';
import { benchStoreArgs } from './store.js';
import { freePort } from '../test/support/free-port.js';

const say = (l: string) => process.stdout.write(`${l}\n`);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const stats = (xs: number[]) => {
  const s = sorted(xs);
  return `min ${s[0]?.toFixed(0)} / median ${s[Math.floor(s.length / 2)]?.toFixed(0)} / max ${s[s.length - 1]?.toFixed(0)} ms`;
};

function manager(args: string[]): Promise<Child> {
  // Replicated managers share the Consul store at the discovery's prefix (the default).
  return startManager([...(args.includes('--replication') ? [] : benchStoreArgs()), ...args]);
}

async function role(port: number): Promise<string | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/info`, { signal: AbortSignal.timeout(1000) });
    const b = (await r.json()) as { SystemStatus?: [string, string][] };
    return b.SystemStatus?.find(([k]) => k === 'Role')?.[1];
  } catch {
    return undefined;
  }
}

async function poll(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Registration (the KV put a join agent makes) → a container created there through Shoal. */
async function registrationToContainer(fake: FakeConsul): Promise<number[]> {
  const lab = await benchLab();
  const conn = new ConsulConnection({ hosts: [fake.addr], prefix: '' });
  const shoal = await manager(['-H', 'tcp://127.0.0.1:0', `consul://${fake.addr}/reg`]);
  const base = `http://127.0.0.1:${shoal.port}`;
  const times: number[] = [];
  try {
    for (const node of lab.nodes) {
      const t0 = performance.now();
      await conn.put(`reg/docker/swarm/nodes/${node.addr}`, node.addr);
      let id = '';
      await poll(`container on ${node.name}`, async () => {
        const r = await fetch(`${base}/containers/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            Image: 'busybox:local',
            Cmd: ['true'],
            Env: [`constraint:node==${node.name}`],
          }),
        });
        const body = (await r.json()) as { Id?: string };
        id = body.Id ?? '';
        return r.status === 201;
      });
      times.push(performance.now() - t0);
      await fetch(`${base}/containers/${id}?force=1`, { method: 'DELETE' });
    }
  } finally {
    await shoal.stop();
    conn.close();
  }
  return times;
}

/** Two managers; the leader is SIGKILLed five times (alternately); time until the survivor says primary. */
async function failovers(fake: FakeConsul, ttl: string): Promise<number[]> {
  const lab = await benchLab();
  const conn = new ConsulConnection({ hosts: [fake.addr], prefix: '' });
  for (const n of lab.nodes) await conn.put(`ha/docker/swarm/nodes/${n.addr}`, n.addr);
  conn.close();
  const start = async (port: number) =>
    manager([
      '-H',
      `tcp://127.0.0.1:${port}`,
      '--replication',
      '--advertise',
      `127.0.0.1:${port}`,
      '--replication-ttl',
      ttl,
      `consul://${fake.addr}/ha`,
    ]);
  const ports = [await freePort(), await freePort()] as [number, number];
  const procs: Child[] = [await start(ports[0])];
  await poll('first leader', async () => (await role(ports[0])) === 'primary');
  procs.push(await start(ports[1]));
  const times: number[] = [];
  let leader = 0;
  try {
    for (let i = 0; i < 5; i++) {
      const other = 1 - leader;
      await poll('replica ready', async () => (await role(ports[other] as number)) === 'replica');
      procs[leader]?.proc.kill('SIGKILL');
      const t0 = performance.now();
      await poll('takeover', async () => (await role(ports[other] as number)) === 'primary');
      times.push(performance.now() - t0);
      procs[leader] = await start(ports[leader] as number);
      leader = other;
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  return times;
}

export async function runHaBench(): Promise<void> {
  say(
    '\n== Consul discovery and replication (against the fake Consul; sessions expire at 2 x TTL, Consul worst case) ==',
  );
  const fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 2 });
  await fake.start();
  try {
    const reg = await registrationToContainer(fake);
    say(`registration in Consul -> first container created on that engine (3 engines): ${stats(reg)}`);
    for (const ttl of ['4s', '20s']) {
      const f = await failovers(fake, ttl);
      say(`leader SIGKILLed -> replica is primary, --replication-ttl ${ttl}, 5 runs: ${stats(f)}`);
    }
  } finally {
    await fake.close();
  }
}
