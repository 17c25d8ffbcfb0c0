// The lab network: a bridge in a namespace of its own, one namespace per node, a veth to the host.
import type { LabLayout, LabNode } from './layout.js';
import { inNetns, run } from './run.js';

const ip = (args: string[], allowFail = false) => run('ip', args, { allowFail });

export async function createNetwork(lab: LabLayout): Promise<void> {
  const sw = lab.switchNetns;
  await ip(['netns', 'add', sw]);
  await ip(['-n', sw, 'link', 'set', 'lo', 'up']);
  await ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
  await ip(['-n', sw, 'link', 'set', 'br0', 'up']);
  const hostPeer = `${lab.name}-hs`;
  await ip(['link', 'add', lab.hostVeth, 'type', 'veth', 'peer', 'name', hostPeer]);
  await ip(['link', 'set', hostPeer, 'netns', sw]);
  await ip(['-n', sw, 'link', 'set', hostPeer, 'master', 'br0', 'up']);
  await ip(['addr', 'add', `${lab.hostIp}/24`, 'dev', lab.hostVeth]);
  await ip(['link', 'set', lab.hostVeth, 'up']);
  for (const node of lab.nodes) await createNodeNetns(lab, node);
}

async function createNodeNetns(lab: LabLayout, node: LabNode): Promise<void> {
  const sw = lab.switchNetns;
  const veth = `${lab.name}-v${node.index}`;
  await ip(['netns', 'add', node.netns]);
  await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns]);
  await ip(['link', 'set', veth, 'netns', sw]);
  await ip(['-n', sw, 'link', 'set', veth, 'master', 'br0', 'up']);
  await ip(['-n', node.netns, 'addr', 'add', `${node.ip}/24`, 'dev', 'eth0']);
  await ip(['-n', node.netns, 'link', 'set', 'eth0', 'up']);
  await ip(['-n', node.netns, 'link', 'set', 'lo', 'up']);
}

/**
 * Containers on different nodes reach each other: routes to every other node's container subnet, and
 * Docker's forwarding rules opened for lab traffic (peers see real container addresses).
 */
export async function routeBetweenNodes(lab: LabLayout): Promise<void> {
  for (const node of lab.nodes) {
    for (const other of lab.nodes) {
      if (other === node) continue;
      await ip(['-n', node.netns, 'route', 'replace', other.bridgeSubnet, 'via', other.ip]);
      await ip(['-n', node.netns, 'route', 'replace', other.clusterPool, 'via', other.ip]);
    }
    await inNetns(node.netns, 'iptables', [
      '-I',
      'DOCKER-USER',
      '-i',
      'eth0',
      '-s',
      '198.18.0.0/15',
      '-j',
      'ACCEPT',
    ]);
    await inNetns(node.netns, 'iptables', [
      '-t',
      'nat',
      '-I',
      'POSTROUTING',
      '-o',
      'eth0',
      '-s',
      '198.19.0.0/16',
      '-d',
      '198.19.0.0/16',
      '-j',
      'RETURN',
    ]);
  }
}

export async function deleteNetwork(lab: LabLayout): Promise<void> {
  for (const node of lab.nodes) await ip(['netns', 'del', node.netns], true);
  await ip(['netns', 'del', lab.switchNetns], true);
  await ip(['link', 'del', lab.hostVeth], true);
}

export async function netnsExists(name: string): Promise<boolean> {
  const out = await ip(['netns', 'list'], true);
  return out.split('\n').some((l) => l.split(' ')[0] === name);
}

export async function netnsPids(ns: string): Promise<number[]> {
  const out = await ip(['netns', 'pids', ns], true);
  return out
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}
