// Cross-engine paths, the pure parts: a host's plan, its script, what the script reports, the helper image.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helperImageTar } from '../../src/networks/paths/helper.js';
import { macOf } from '../../src/networks/paths/host-paths.js';
import { managerHosts, resolverParts } from '../../src/networks/paths/managers.js';
import { planFor, type HostInfo } from '../../src/networks/paths/plan.js';
import { hostScript, parseReport } from '../../src/networks/paths/script.js';

const host = (i: number, parts: [string, string][]): HostInfo => ({
  name: `node-${i}`,
  ip: `198.18.7.${10 + i}`,
  mac: macOf(`engine-${i}`),
  parts: parts.map(([networkId, subnet]) => ({ networkId, subnet, bridge: `br-${networkId}${i}` })),
});

describe('a host plan', () => {
  const a = host(0, [
    ['n1', '198.18.64.0/24'],
    ['n2', '198.18.66.0/24'],
  ]);
  const b = host(1, [['n1', '198.18.65.0/24']]);
  const c = host(2, [['n3', '198.18.70.0/24']]);

  it('routes to the peers that share a network, accepting and not masquerading only within that network', () => {
    const p = planFor(a, [a, b, c], 'auto', 4242);
    expect(p.peers).toEqual([
      { name: 'node-1', ip: '198.18.7.11', mac: b.mac, mode: 'auto', subnets: ['198.18.65.0/24'] },
    ]);
    expect(p.accept).toEqual([{ bridge: 'br-n10', remote: '198.18.65.0/24' }]);
    expect(p.noNat).toEqual([{ local: '198.18.64.0/24', remote: '198.18.65.0/24' }]);
    expect(planFor(c, [a, b, c], 'auto', 4242).peers).toEqual([]);
  });

  it('is a script that uses only the plan, refuses unsafe words, and reports what it did', () => {
    const script = hostScript(planFor(a, [a, b], 'vxlan', 4242));
    expect(script).toContain(`peer node-1 198.18.7.11 ${b.mac} vxlan 198.18.65.0/24`);
    expect(script).toContain("'-A SHOAL-FORWARD -i br-n10 -d 198.18.65.0/24 -j ACCEPT'");
    expect(script).toContain("'-A SHOAL-POSTROUTING -s 198.18.64.0/24 -d 198.18.65.0/24 -j ACCEPT'");
    const evil = { ...b, name: 'node-1; reboot' };
    expect(() => hostScript(planFor(a, [a, evil], 'vxlan', 1))).toThrow(/not a safe word/);
    const empty = hostScript(planFor(c, [c], 'auto', 4242));
    expect(empty).toContain('iptables -t filter -X SHOAL-FORWARD');
    expect(empty).not.toContain('peer node');
    expect(parseReport('peer node-1 vxlan ok\npeer node-2 direct failed\nrules filter ok\ndone\n')).toEqual({
      peers: [
        { name: 'node-1', mode: 'vxlan', ok: true },
        { name: 'node-2', mode: 'direct', ok: false },
      ],
      rulesOk: true,
      complete: true,
    });
    expect(parseReport('rules nat failed\n')).toMatchObject({ rulesOk: false, complete: false });
  });

  it('is valid sh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-script-'));
    try {
      const file = join(dir, 's.sh');
      writeFileSync(file, hostScript(planFor(a, [a, b, c], 'auto', 4242)));
      execFileSync('sh', ['-n', file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the helper image', () => {
  it('is a tar of five links into /host, and a MAC is stable and locally administered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-tar-'));
    try {
      const file = join(dir, 'h.tar');
      writeFileSync(file, helperImageTar());
      const listing = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' });
      for (const l of ['bin', 'sbin', 'lib', 'lib64', 'usr']) expect(listing).toContain(`${l} -> /host/${l}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(macOf('x')).toBe(macOf('x'));
    expect(macOf('x')).toMatch(/^02(:[0-9a-f]{2}){5}$/);
  });
});

describe('the managers’ hosts', () => {
  const engine = host(0, [['n1', '198.18.64.0/24']]);
  const leader: HostInfo = {
    name: 'manager',
    ip: '198.18.7.1',
    mac: macOf('manager:198.18.7.1'),
    parts: resolverParts(['198.18.211.53']),
  };

  it('are one peer per host address, each routed its resolvers from every engine, without NAT', () => {
    const hosts = managerHosts(leader, [
      { host: '198.18.7.1', addresses: ['198.18.211.54'] },
      { host: '198.18.7.2', addresses: ['198.18.211.55'] },
      { host: '', addresses: ['198.18.211.56'] },
      { host: '198.18.7.3', addresses: [] },
    ]);
    expect(hosts.map((h) => [h.ip, h.parts.map((p) => p.subnet)])).toEqual([
      ['198.18.7.1', ['198.18.211.53/32', '198.18.211.54/32']],
      ['198.18.7.2', ['198.18.211.55/32']],
    ]);
    const p = planFor(engine, [engine, ...hosts], 'auto', 4242);
    expect(p.peers.map((x) => [x.name, x.ip, x.subnets])).toEqual([
      ['manager', '198.18.7.1', ['198.18.211.53/32', '198.18.211.54/32']],
      ['manager:198.18.7.2', '198.18.7.2', ['198.18.211.55/32']],
    ]);
    expect(p.noNat).toContainEqual({ local: '198.18.64.0/24', remote: '198.18.211.55/32' });
    expect(p.accept).toContainEqual({ bridge: 'br-n10', remote: '198.18.211.54/32' });
  });

  it('without this manager as a peer (not root): the others still', () => {
    const hosts = managerHosts(undefined, [{ host: '198.18.7.2', addresses: ['198.18.211.55'] }]);
    expect(hosts).toEqual([
      {
        name: 'manager:198.18.7.2',
        ip: '198.18.7.2',
        mac: macOf('manager:198.18.7.2'),
        parts: resolverParts(['198.18.211.55']),
      },
    ]);
  });

  it('a manager host’s script removes only the routes its manager made', () => {
    const script = hostScript(planFor(leader, [leader, engine], 'auto', 4242), {
      firewall: false,
      owned: ['198.18.65.0/24'],
    });
    expect(script).toContain('for s in 198.18.65.0/24; do');
    expect(script).not.toContain('ip route show proto');
    expect(script).not.toContain('iptables');
    const all = hostScript(planFor(leader, [leader, engine], 'auto', 4242), { firewall: false });
    expect(all).toContain('ip route show proto $PROTO');
    const dir = mkdtempSync(join(tmpdir(), 'shoal-script-'));
    try {
      writeFileSync(join(dir, 's.sh'), script);
      execFileSync('sh', ['-n', join(dir, 's.sh')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
