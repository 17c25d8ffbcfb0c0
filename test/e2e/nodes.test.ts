// Swarm mode's node commands with the real Docker CLI 28 through Shoal on 3 real engines: node ls, inspect,
// update (labels, availability), rm refused for a ready node, swarm init refused, docker info's Swarm part.
import { describe, expect, it } from 'vitest';
import { docker, lab, useShoal } from './support.js';

let S = '';

useShoal((s) => (S = s.host));

const rows = (out: string) => out.trim().split('\n').slice(1);

describe('docker node', () => {
  it('node ls: the 3 engines as ready, active workers, and Shoal as the leader, marked as self', async () => {
    const r = await docker(S, ['node', 'ls']);
    process.stdout.write(`docker node ls:\n${r.stdout}`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^ID\s+HOSTNAME\s+STATUS\s+AVAILABILITY\s+MANAGER STATUS\s+ENGINE VERSION/,
    );
    const lines = rows(r.stdout);
    expect(lines).toHaveLength(4);
    for (const n of ['node-0', 'node-1', 'node-2']) {
      expect(lines.find((l) => l.includes(` ${n} `))).toMatch(
        /^[0-9a-z]{25}\s+node-\d\s+Ready\s+Active\s+\S+$/,
      );
    }
    const self = lines.find((l) => l.includes('Leader'));
    expect(self).toMatch(/^[0-9a-z]{25} \*\s+\S+\s+Ready\s+Drain\s+Leader\s+swarm\/1\.2\.9\+shoal/);
    const quiet = await docker(S, ['node', 'ls', '-q', '--filter', 'role=worker']);
    expect(quiet.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('node inspect --pretty reads like a swarm node', async () => {
    const r = await docker(S, ['node', 'inspect', '--pretty', 'node-1']);
    expect(r.code, r.stderr).toBe(0);
    const ip = lab().nodes[1]?.addr.split(':')[0] ?? '';
    expect(r.stdout).toMatch(/^ID:\s+[0-9a-z]{25}$/m);
    expect(r.stdout).toMatch(/^Hostname:\s+node-1$/m);
    expect(r.stdout).toMatch(/^ State:\s+Ready$/m);
    expect(r.stdout).toMatch(/^ Availability:\s+Active$/m);
    expect(r.stdout).toMatch(new RegExp(`^ Address:\\s+${ip.replace(/\./g, '\\.')}$`, 'm'));
    expect(r.stdout).toMatch(/^ Operating System:\s+linux$/m);
    expect(r.stdout).toMatch(/^ CPUs:\s+[1-9]\d*$/m);
    expect(r.stdout).toMatch(/^Engine Version:\s+\S+$/m);
    expect(r.stdout).toMatch(/^ - zone=b$/m);
    expect(r.stdout).not.toMatch(/^Manager Status:/m);
    const self = await docker(S, [
      'node',
      'inspect',
      'self',
      '--format',
      '{{.Spec.Role}} {{.ManagerStatus.Leader}}',
    ]);
    expect(self.stdout.trim()).toBe('manager true');
  });

  it('node update --label-add zone=x --availability drain node-1, then node ls shows Drain', async () => {
    const before = await docker(S, ['node', 'inspect', 'node-1', '--format', '{{.Version.Index}}']);
    const r = await docker(S, [
      'node',
      'update',
      '--label-add',
      'zone=x',
      '--availability',
      'drain',
      'node-1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('node-1');
    const ls = await docker(S, ['node', 'ls']);
    process.stdout.write(`docker node ls, after the update:\n${ls.stdout}`);
    expect(rows(ls.stdout).find((l) => l.includes(' node-1 '))).toMatch(/\sReady\s+Drain\s/);
    const spec = await docker(S, [
      'node',
      'inspect',
      'node-1',
      '--format',
      '{{json .Spec.Labels}} {{.Version.Index}}',
    ]);
    const [labels, index] = spec.stdout.trim().split(' ');
    expect(labels).toBe('{"zone":"x"}');
    expect(Number(index)).toBeGreaterThan(Number(before.stdout.trim()));
    const filtered = await docker(S, ['node', 'ls', '-q', '--filter', 'node.label=zone=x']);
    expect(filtered.stdout.trim().split('\n')).toHaveLength(1);
    // A classic container is not a swarm task: drain does not keep it off (as swarm mode's drain).
    const run = await docker(S, [
      'run',
      '-d',
      '--name',
      'e2e-on-drained',
      '-e',
      'constraint:node==node-1',
      'busybox:local',
      'sleep',
      '30',
    ]);
    expect(run.code, run.stderr).toBe(0);
    await docker(S, ['rm', '-f', 'e2e-on-drained']);
    const back = await docker(S, [
      'node',
      'update',
      '--label-rm',
      'zone',
      '--availability',
      'active',
      'node-1',
    ]);
    expect(back.code, back.stderr).toBe(0);
  });

  it('node rm of a ready node and node promote are refused with clear texts', async () => {
    const rm = await docker(S, ['node', 'rm', 'node-2']);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toMatch(
      /rpc error: code = FailedPrecondition desc = node [0-9a-z]{25} is not down and can't be removed/,
    );
    const promote = await docker(S, ['node', 'promote', 'node-2']);
    expect(promote.code).toBe(1);
    expect(promote.stderr).toMatch(/stays a worker: Shoal itself is the swarm's manager/);
  });
});

describe('docker swarm and docker info', () => {
  it('docker swarm init is refused: Shoal is the swarm', async () => {
    const r = await docker(S, ['swarm', 'init']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Error response from daemon: This node is already part of a swarm\. Shoal is the swarm manager for this pool of engines/,
    );
  });

  it('docker info shows Swarm: active, a manager, 4 nodes; classic’s lines stay', async () => {
    const r = await docker(S, ['info']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ Swarm: active$/m);
    expect(r.stdout).toMatch(/^ {2}Is Manager: true$/m);
    expect(r.stdout).toMatch(/^ {2}Managers: 1$/m);
    expect(r.stdout).toMatch(/^ {2}Nodes: 4$/m);
    expect(r.stdout).toMatch(/^ {2}ClusterID: [0-9a-z]{25}$/m);
    expect(r.stdout).toMatch(/└ Status: Healthy/);
    const tokens = await docker(S, ['swarm', 'join-token', 'worker']);
    expect(tokens.code, tokens.stderr).toBe(0);
    expect(tokens.stdout).toMatch(/SWMTKN-1-unusable/);
  });
});
