// The list of managers in the fake Consul: each manager announces itself under a session of its own, every
// one sees the others join, change and leave (stopped: at once; dead: within the TTL).
import { afterEach, describe, expect, it } from 'vitest';
import { ConsulConnection } from '../../src/consul/connection.js';
import { setLogSink } from '../../src/log.js';
import { ManagerDirectory, parseRecord } from '../../src/replication/managers.js';
import { FakeConsul } from '../support/fake-consul.js';
import { waitFor } from '../support/wait.js';

setLogSink(() => undefined);
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const DIR = 'p/docker/swarm/managers';

async function setup(): Promise<FakeConsul> {
  const fake = new FakeConsul({ sessionTtlMinMs: 1000, ttlGraceFactor: 1 });
  await fake.start();
  cleanups.push(() => fake.close());
  return fake;
}

function manager(fake: FakeConsul, addr: string, resolvers: string[], ttlMs = 2000) {
  const conn = new ConsulConnection({ hosts: [fake.addr], prefix: '' });
  const d = new ManagerDirectory(conn, DIR, addr, ttlMs);
  d.announce({ resolvers });
  d.start();
  cleanups.push(() => d.stop().then(() => conn.close()));
  return d;
}

const names = (d: ManagerDirectory) => d.all().map((r) => r.advertise);

describe('the managers’ list', () => {
  it('lists every manager with its resolvers and host; a stopped one leaves at once', async () => {
    const fake = await setup();
    const a = manager(fake, 'a:1', ['198.18.211.53']);
    const b = manager(fake, 'b:1', ['198.18.211.54']);
    await waitFor('both see both', () => names(a).length === 2 && names(b).length === 2);
    expect(b.others()).toEqual([{ advertise: 'a:1', resolvers: ['198.18.211.53'] }]);
    const changes: number[] = [];
    a.onChange((all) => changes.push(all.length));
    b.announce({ host: '198.18.11.1' });
    await waitFor('a sees b’s host', () => a.others()[0]?.host === '198.18.11.1');
    expect(fake.kvRead(`${DIR}/b:1`)?.session).toBeDefined();
    const t0 = Date.now();
    await b.stop();
    await waitFor('b left', () => names(a).join() === 'a:1');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(changes.at(-1)).toBe(1);
    expect(fake.kvKeys(`${DIR}/`)).toEqual([`${DIR}/a:1`]);
  });

  it('a manager that dies leaves when its session expires; one whose session is lost writes itself again', async () => {
    const fake = await setup();
    const a = manager(fake, 'a:1', []);
    const b = manager(fake, 'b:1', ['198.18.211.54']);
    await waitFor('a sees b', () => names(a).length === 2);
    fake.invalidate(fake.kvRead(`${DIR}/a:1`)?.session ?? '');
    await waitFor(
      'a is listed again',
      () => fake.kvRead(`${DIR}/a:1`) !== undefined && names(b).length === 2,
      3000,
    );
    // A crash: nobody renews b's session any more, nobody destroys it.
    const session = fake.kvRead(`${DIR}/b:1`)?.session ?? '';
    fake.invalidate(session);
    await b.stop();
    await waitFor('b gone', () => names(a).join() === 'a:1', 3000);
  });

  it('reads only records it understands', () => {
    expect(parseRecord('{"advertise":"a:1","resolvers":["x",3],"host":"h"}')).toEqual({
      advertise: 'a:1',
      resolvers: ['x'],
      host: 'h',
    });
    expect(parseRecord('nope')).toBeUndefined();
    expect(parseRecord('{"advertise":"a:1"}')).toBeUndefined();
  });
});
