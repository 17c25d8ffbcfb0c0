// Shoal's DNS with UDP answered by worker processes (node:cluster, sharing the socket), on loopback port 0:
// the workers answer from their copy of the names and follow each change, TCP stays in Shoal's thread, a
// container's own upstream is used by the worker that forwards, counts come back, a killed worker is
// replaced (knowing the names changed meanwhile), and closing ends them all. Runs the build's worker script.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NameIndex, type NameChange, type NamedContainer } from '../../src/dns/records.js';
import { DnsServing } from '../../src/dns/serving.js';
import { addrs, tcpQuery, udpQuery, type Q } from '../support/dns-client.js';
import { waitFor } from '../support/wait.js';

const index = new NameIndex();
const listeners: ((changes: readonly NameChange[]) => void)[] = [];
const feed = {
  snapshot: () => [...index.all()],
  follow: (l: (changes: readonly NameChange[]) => void) => void listeners.push(l),
};
function change(c: NameChange): void {
  index.apply([c]);
  for (const l of listeners) l([c]);
}

const web = (i: number): NamedContainer => ({
  id: `web${i}`.padStart(64, '0'),
  name: `app_web_${i}`,
  serving: true,
  compose: { project: 'app', service: 'web' },
  endpoints: [{ networkId: 'net-app', ipv4: `198.18.70.${10 + i}`, aliases: [] }],
});

let serving: DnsServing;
let port = 0;
let stub: UdpSocket;
const stubAsked: string[] = [];
const udp = (q: Q, from = '127.0.0.5') => udpQuery(port, q, from);

/** The answers of `n` UDP queries (the workers share them), sorted and joined, each a set. */
async function udpAnswers(name: string, n = 12): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++)
    seen.add(
      addrs(await udp({ name }))
        .sort()
        .join(','),
    );
  return seen;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  for (let i = 0; i < 3; i++) index.set(web(i));
  // The asker: a container at 127.0.0.5 created with its own --dns (the stub).
  stub = createSocket('udp4');
  stub.on('message', (msg, r) => {
    const q = dnsPacket.decode(msg);
    stubAsked.push(q.questions?.[0]?.name ?? '');
    const answers = [
      { type: 'A' as const, name: q.questions?.[0]?.name ?? '', ttl: 60, data: '198.18.201.1' },
    ];
    stub.send(
      dnsPacket.encode({ type: 'response', id: q.id, questions: q.questions, answers }),
      r.port,
      r.address,
    );
  });
  await new Promise<void>((r) => stub.bind(0, '127.0.0.1', () => r()));
  index.set({
    id: 'client'.padStart(64, '0'),
    name: 'app_client_1',
    serving: true,
    compose: { project: 'app', service: 'client' },
    endpoints: [{ networkId: 'net-app', ipv4: '127.0.0.5', aliases: [] }],
    upstreams: [`127.0.0.1:${stub.address().port}`],
  });
  serving = new DnsServing(index, feed, {
    ttl: 2,
    answers: 0,
    upstreams: [],
    workers: 2,
    restartDelayMs: 100,
  });
  const [bound] = await serving.listen([{ host: '127.0.0.1', port: 0 }]);
  port = bound?.port ?? 0;
}, 30_000);

afterAll(async () => {
  await serving?.close();
  stub?.close();
});

const ALL3 = '198.18.70.10,198.18.70.11,198.18.70.12';

describe('DNS worker processes', () => {
  it('answer UDP from their copy of the names, and Shoal answers TCP from its own', async () => {
    expect(serving.workerPids()).toHaveLength(2);
    expect(serving.describe()).toBe('udp in 2 worker processes, in batches; tcp');
    expect([...(await udpAnswers('web'))]).toEqual([ALL3]);
    expect(
      addrs(await tcpQuery(port, { name: 'web.app' }))
        .sort()
        .join(','),
    ).toBe(ALL3);
    expect((await udp({ name: 'nobody' })).rcode).toBe('NXDOMAIN');
  });

  it('follow every change at once: a replica that stops is gone, a new one is there', async () => {
    change({ remove: web(1).id });
    change({ set: web(3) });
    const want = '198.18.70.10,198.18.70.12,198.18.70.13';
    await waitFor(
      'the change in both workers',
      async () => [...(await udpAnswers('web'))].join('|') === want,
      1000,
    );
    change({ set: { ...web(2), serving: false } });
    await waitFor(
      'the unhealthy one gone',
      async () => [...(await udpAnswers('web'))].join('|') === '198.18.70.10,198.18.70.13',
      1000,
    );
  });

  it("forward a name that is not Shoal's to the asking container's own upstream, and count it", async () => {
    const before = serving.counts;
    const r = await udp({ name: 'example.test' });
    expect(addrs(r)).toEqual(['198.18.201.1']);
    expect(stubAsked).toContain('example.test');
    await waitFor(
      'the counts',
      () => serving.counts.forwarded > before.forwarded && serving.counts.answered > before.answered,
      3000,
    );
  });

  it('answer SERVFAIL at once when no upstream is there (the promise after a batch runs with it)', async () => {
    // 127.0.0.9 is no container and Shoal has no upstreams: each answer comes from a promise, which must run
    // right after the batch that asked, not whenever the worker next wakes for something else (its counts,
    // every second): five in turn within half a second.
    const five = (async () => {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 5; i++) codes.push((await udp({ name: `nowhere${i}.test` }, '127.0.0.9')).rcode);
      return codes;
    })();
    const r = await Promise.race([
      five,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500)),
    ]);
    expect(r).toEqual(Array(5).fill('SERVFAIL'));
  });

  it('a killed worker is replaced, and the new one knows the names as they are now', async () => {
    const [victim, other] = serving.workerPids();
    process.kill(victim ?? 0, 'SIGKILL');
    change({ set: web(4) });
    // The other keeps answering meanwhile.
    expect(addrs(await udp({ name: 'web' })).length).toBeGreaterThan(0);
    await waitFor(
      'a replacement',
      () => serving.workerPids().length === 2 && !serving.workerPids().includes(victim ?? 0),
      10_000,
    );
    expect(serving.workerPids()).toContain(other);
    const want = '198.18.70.10,198.18.70.13,198.18.70.14';
    await waitFor(
      'the names in the new one',
      async () => [...(await udpAnswers('web', 20))].join('|') === want,
      2000,
    );
  });

  it('closing ends every worker', async () => {
    const pids = serving.workerPids();
    await serving.close();
    expect(pids.filter(alive)).toEqual([]);
  });
});
