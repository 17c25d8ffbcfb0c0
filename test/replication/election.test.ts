// Leader election against the fake Consul: one leader at a time, hand-over on resign and on death, and a
// leader that cannot prove it still holds the lock stops at once.
import { afterEach, describe, expect, it } from 'vitest';
import { ConsulConnection } from '../../src/consul/connection.js';
import { setLogSink } from '../../src/log.js';
import { Election } from '../../src/replication/election.js';
import { FakeConsul } from '../support/fake-consul.js';
import { waitFor } from '../support/wait.js';

setLogSink(() => undefined);
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<FakeConsul> {
  const fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 1 });
  await fake.start();
  cleanups.push(() => fake.close());
  return fake;
}

function candidate(fake: FakeConsul, addr: string, ttlMs = 2000) {
  const conn = new ConsulConnection({ hosts: [fake.addr], prefix: '' });
  const log: string[] = [];
  const e = new Election(conn, 'p/docker/swarm/leader', addr, ttlMs, {
    elected: () => log.push('elected'),
    lost: () => log.push('lost'),
    leader: (a) => log.push(`leader ${a ?? '-'}`),
  });
  e.start();
  cleanups.push(() => e.stop().then(() => conn.close()));
  return { e, log, conn };
}

describe('election', () => {
  it('elects one leader; the others follow it; resigning hands over at once', async () => {
    const fake = await setup();
    const a = candidate(fake, 'a:1');
    await waitFor('a leads', () => a.e.isLeader());
    const b = candidate(fake, 'b:1');
    const c = candidate(fake, 'c:1');
    await waitFor('followers know a', () => b.e.leaderAddr() === 'a:1' && c.e.leaderAddr() === 'a:1');
    expect([b.e.isLeader(), c.e.isLeader()]).toEqual([false, false]);
    expect(fake.kvRead('p/docker/swarm/leader')?.value).toBe('a:1');
    const t0 = Date.now();
    await a.e.stop();
    await waitFor('one of b, c leads', () => b.e.isLeader() || c.e.isLeader());
    expect(Date.now() - t0).toBeLessThan(500);
    expect(b.e.isLeader() && c.e.isLeader()).toBe(false);
  });

  it('a leader whose session is invalidated steps down; a dead leader is replaced within the TTL', async () => {
    const fake = await setup();
    const a = candidate(fake, 'a:1');
    await waitFor('a leads', () => a.e.isLeader());
    const b = candidate(fake, 'b:1');
    await waitFor('b follows', () => b.e.leaderAddr() === 'a:1');
    const holder = fake.kvRead('p/docker/swarm/leader')?.session ?? '';
    fake.invalidate(holder);
    await waitFor('a stepped down or re-won', () => a.log.includes('lost'));
    // Now kill whoever leads without resigning: its renewals stop, Consul expires the session.
    await waitFor('a leader', () => a.e.isLeader() || b.e.isLeader());
    const [dead, survivor] = a.e.isLeader() ? [a, b] : [b, a];
    (dead.e as unknown as { renewTimer: NodeJS.Timeout }).renewTimer.close();
    (dead.e as unknown as { controller: AbortController }).controller.abort();
    const t0 = Date.now();
    await waitFor('survivor leads', () => survivor.e.isLeader(), 5000);
    // Session TTL 1 s (ttl/2), grace factor 1 here: at most the TTL and a beat.
    expect(Date.now() - t0).toBeLessThan(2000 + 1000);
  });

  it('a leader cut off from Consul stops leading within a session TTL, before anyone else can win', async () => {
    const fake = await setup();
    const a = candidate(fake, 'a:1');
    await waitFor('a leads', () => a.e.isLeader());
    await fake.stop();
    const t0 = Date.now();
    await waitFor('a steps down', () => !a.e.isLeader(), 5000);
    expect(Date.now() - t0).toBeLessThanOrEqual(1000 + 500);
    expect(a.log).toContain('lost');
  });
});
