// The DNS bench's data set: `names` swarm services of `replicas` tasks each on one network, as Shoal's
// NameIndex (plus a container at the querier's address, so its queries take the scoped path), as a hosts
// file for dnsmasq, and as dnsperf's query file.
import { NameIndex } from '../src/dns/records.js';

export const NETWORK = 'benchnet0000000000000000';

export const serviceName = (i: number): string => `svc${String(i).padStart(4, '0')}`;

/**
 * Task `k` of service `i`: in 198.19.0.0/16 (inside the test range 198.18.0.0/15), counted from 198.19.0.2.
 * Answers only: nothing is sent to them. Up to 65,000 tasks.
 */
export function taskIp(i: number, k: number, replicas: number): string {
  const n = i * replicas + k + 2;
  if (n > 0xfffe) throw new Error(`the DNS bench holds at most 65,532 tasks, not ${n - 2}`);
  return `198.19.${(n >> 8) & 255}.${n & 255}`;
}

export function benchIndex(names: number, replicas: number, querier: string): NameIndex {
  const index = new NameIndex();
  for (let i = 0; i < names; i++) {
    for (let k = 0; k < replicas; k++) {
      index.set({
        id: `${i.toString(16).padStart(8, '0')}${k.toString(16).padStart(4, '0')}`.padEnd(64, 'c'),
        name: `${serviceName(i)}.${k + 1}.task${i}x${k}`,
        serving: true,
        swarmService: serviceName(i),
        endpoints: [{ networkId: NETWORK, ipv4: taskIp(i, k, replicas), aliases: [] }],
      });
    }
  }
  index.set({
    id: 'querier'.padEnd(64, 'q'),
    name: 'querier',
    serving: true,
    endpoints: [{ networkId: NETWORK, ipv4: querier, aliases: [] }],
  });
  return index;
}

/** The same records as /etc/hosts lines: one line an address, so a name has `replicas` of them. */
export function hostsFile(names: number, replicas: number): string {
  let text = '';
  for (let i = 0; i < names; i++)
    for (let k = 0; k < replicas; k++) text += `${taskIp(i, k, replicas)} ${serviceName(i)}\n`;
  return text;
}

/** dnsperf's input: every name once, type A, in one shuffled order (seeded, so every run asks alike). */
export function queryFile(names: number): string {
  const lines = Array.from({ length: names }, (_, i) => `${serviceName(i)} A`);
  let seed = 7;
  for (let i = lines.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = Math.floor((seed / 2 ** 31) * (i + 1));
    [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
  }
  return `${lines.join('\n')}\n`;
}
