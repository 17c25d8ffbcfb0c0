// Shoal's DNS server on the wire, on loopback port 0: UDP and TCP, truncation past 512 bytes and within an
// EDNS size, NODATA, NXDOMAIN, mixed case, scoping by the asker's address, and forwarding to a stub upstream
// (never the machine's own resolver).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NameIndex, type NamedContainer } from '../../src/dns/records.js';
import { DnsServer } from '../../src/dns/server.js';
import { Upstreams } from '../../src/dns/upstream.js';
import { addrs, tcpQuery, udpQuery, type Q } from '../support/dns-client.js';

const index = new NameIndex();
let server: DnsServer;
let port = 0;
let stub: UdpSocket;
let stubPort = 0;
const stubAsked: string[] = [];

function container(id: string, name: string, net: string, ip: string, extra: Partial<NamedContainer> = {}) {
  const c: NamedContainer = {
    id: id.padStart(64, '0'),
    name,
    serving: true,
    endpoints: [{ networkId: net, ipv4: ip, aliases: [] }],
    ...extra,
  };
  index.set(c);
  return c;
}

beforeAll(async () => {
  // Project a's web has 40 replicas (past 512 bytes), b's web one; a client of project a at 127.0.0.2.
  for (let i = 0; i < 40; i++)
    container(`a${i}`, `a_web_${i}`, 'net-a', `198.18.64.${10 + i}`, {
      compose: { project: 'a', service: 'web' },
      ports: ['80/tcp'],
    });
  container('b0', 'b_web_1', 'net-b', '198.18.65.10', { compose: { project: 'b', service: 'web' } });
  container('c0', 'a_client_1', 'net-a', '127.0.0.2', { compose: { project: 'a', service: 'client' } });
  container('d0', 'six', 'net-a', '198.18.64.99', {
    endpoints: [{ networkId: 'net-a', ipv4: '198.18.64.99', ipv6: 'fd00::99', aliases: [] }],
  });
  stub = createSocket('udp4');
  stub.on('message', (msg, r) => {
    const q = dnsPacket.decode(msg);
    stubAsked.push(q.questions?.[0]?.name ?? '');
    const answer = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.RECURSION_AVAILABLE,
      questions: q.questions,
      answers: [{ type: 'A', name: q.questions?.[0]?.name ?? '', ttl: 60, data: '198.18.200.1' }],
    });
    stub.send(answer, r.port, r.address);
  });
  await new Promise<void>((r) => stub.bind(0, '127.0.0.1', () => r()));
  stubPort = stub.address().port;
  server = new DnsServer({
    index,
    upstreams: new Upstreams({ servers: [{ host: '127.0.0.1', port: stubPort }], timeoutMs: 500 }),
    settings: { ttl: 2, oneAnswer: false, rng: Math.random },
    upstreamFor: () => undefined,
  });
  const [bound] = await server.listen([{ host: '127.0.0.1', port: 0 }]);
  port = bound?.port ?? 0;
});

afterAll(async () => {
  await server.close();
  stub.close();
});

const udp = (q: Q, from?: string) => udpQuery(port, q, from);
const tcp = (q: Q, from?: string) => tcpQuery(port, q, from);

describe('the DNS server', () => {
  it('answers a name with every serving address, shuffled, authoritative, over UDP and TCP, any case', async () => {
    const r = await udp({ name: 'a_client_1' });
    expect(r.rcode).toBe('NOERROR');
    expect(r.flag_aa).toBe(true);
    expect(addrs(r)).toEqual(['127.0.0.2']);
    expect((r.answers?.[0] as { ttl?: number } | undefined)?.ttl).toBe(2);
    const t = await tcp({ name: 'WEB.A' });
    expect(addrs(t).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `198.18.64.${10 + i}`).sort());
    const firsts = new Set<string>();
    for (let i = 0; i < 20; i++) firsts.add(addrs(await tcp({ name: 'web.a' }))[0] ?? '');
    expect(firsts.size).toBeGreaterThan(3);
  });

  it('truncates past 512 bytes (or the EDNS size) and says so; TCP has them all', async () => {
    const r = await udp({ name: 'web.a' });
    expect(r.flag_tc).toBe(true);
    expect(r.raw.length).toBeLessThanOrEqual(512);
    expect(addrs(r).length).toBeGreaterThan(0);
    const e = await udp({ name: 'web.a', edns: 1232 });
    expect(e.flag_tc).toBe(false);
    expect(addrs(e)).toHaveLength(40);
    expect(e.additionals?.some((a) => a.type === 'OPT')).toBe(true);
  });

  it('scopes a name by the asker: a client of project a gets a’s web, an unknown asker nothing for an ambiguous one', async () => {
    const mine = await udp({ name: 'web', edns: 4096 }, '127.0.0.2');
    expect(addrs(mine)).toHaveLength(40);
    const unknown = await udp({ name: 'web' }, '127.0.0.1');
    expect(unknown.rcode).toBe('NXDOMAIN');
    expect((await udp({ name: 'web.b' })).answers?.map((a) => (a as { data: string }).data)).toEqual([
      '198.18.65.10',
    ]);
  });

  it('NODATA for AAAA of a v4-only name, AAAA where there is one; NXDOMAIN for an unknown name of its own', async () => {
    const nodata = await udp({ name: 'a_client_1', type: 'AAAA' }, '127.0.0.2');
    expect([nodata.rcode, nodata.answers?.length]).toEqual(['NOERROR', 0]);
    const v6 = await udp({ name: 'six', type: 'AAAA' }, '127.0.0.2');
    expect(addrs(v6)).toEqual(['fd00::99']);
    const nx = await udp({ name: 'nobody' });
    expect([nx.rcode, nx.flag_aa]).toEqual(['NXDOMAIN', true]);
    expect((await udp({ name: 'tasks.nothing' })).rcode).toBe('NXDOMAIN');
  });

  it('forwards what is not its own to the upstream and passes the answer back', async () => {
    const r = await udp({ name: 'example.test' });
    expect(addrs(r)).toEqual(['198.18.200.1']);
    expect(r.id).toBe(7);
    expect(stubAsked).toContain('example.test');
    const t = await tcp({ name: 'other.test' });
    expect(t.rcode).toBe('SERVFAIL'); // the stub speaks UDP only: no answer over TCP, so SERVFAIL
  });
});

describe('SRV records', () => {
  it('list the serving replicas that expose the port, named, with their addresses', async () => {
    const r = await tcp({ name: '_80._tcp.web', type: 'SRV' }, '127.0.0.2');
    expect(r.answers).toHaveLength(40);
    const first = r.answers?.[0] as { data: { port: number; target: string } };
    expect(first.data.port).toBe(80);
    expect(first.data.target).toMatch(/^a_web_\d+$/);
    expect(r.additionals?.filter((a) => a.type === 'A')).toHaveLength(40);
    const none = await tcp({ name: '_443._tcp.web', type: 'SRV' }, '127.0.0.2');
    expect([none.rcode, none.answers?.length]).toEqual(['NOERROR', 0]);
  });
});
