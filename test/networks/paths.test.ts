// Cross-engine paths, the pure parts: a host's plan, its script, what the script reports, the helper image.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helperImageTar } from '../../src/networks/paths/helper.js';
import { macOf } from '../../src/networks/paths/host-paths.js';
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
