// SRV records for a name's ports: `_80._tcp.web` lists every serving replica of `web` (as the asker would
// resolve it) that exposes 80/tcp, with its container name as target and its address alongside.
import dnsPacket from 'dns-packet';
import { resolveName } from './answer.js';
import type { NameIndex } from './records.js';
import type { Query } from './wire.js';

interface Settings {
  ttl: number;
  rng: () => number;
}

/** The answer to an SRV query, or undefined when the name is not one of the cluster's (forward it). */
export function srvAnswer(
  index: NameIndex,
  q: Query,
  askerIp: string | undefined,
  s: Settings,
): { reply: Buffer } | undefined {
  const m = /^_([^.]+)\._(tcp|udp)\.(.+)$/.exec(q.name);
  if (!m) return undefined;
  const [, port = '', proto = '', name = ''] = m;
  const res = resolveName(index, name, askerIp);
  if (res.kind === 'forward') return undefined;
  const header = { id: q.id, type: 'response' as const, flags: 0x0400 | 0x0080 | (q.flags & 0x0100) };
  const question = [{ type: 'SRV' as const, name: q.name }];
  if (res.kind === 'nxdomain') {
    return { reply: dnsPacket.encode({ ...header, flags: header.flags | 3, questions: question }) };
  }
  const answers: dnsPacket.Answer[] = [];
  const additionals: dnsPacket.Answer[] = [];
  for (const a of res.addresses) {
    const c = index.container(a.containerId);
    if (!c || !/^\d+$/.test(port) || !(c.ports ?? []).includes(`${port}/${proto}`)) continue;
    const target = `${c.name}.`;
    answers.push({
      type: 'SRV',
      name: q.name,
      ttl: s.ttl,
      data: { priority: 0, weight: 10, port: Number(port), target },
    });
    additionals.push({ type: 'A', name: target, ttl: s.ttl, data: a.ipv4 });
  }
  return { reply: dnsPacket.encode({ ...header, questions: question, answers, additionals }) };
}
