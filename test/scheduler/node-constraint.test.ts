// Swarm mode's constraints: SwarmKit's grammar and error texts, and what each key matches on a node.
import { describe, expect, it } from 'vitest';
import { kindOf } from '../../src/errors.js';
import {
  NodeConstraintError,
  nodeMatches,
  parseNodeConstraints,
} from '../../src/scheduler/node-constraint.js';
import type { NodeSnapshot } from '../../src/scheduler/types.js';
import { node } from '../support/nodes.js';

function refusal(text: string): string {
  try {
    parseNodeConstraints([text]);
  } catch (err) {
    expect(err).toBeInstanceOf(NodeConstraintError);
    expect(kindOf(err)).toBe('invalid');
    return (err as Error).message;
  }
  throw new Error(`${text} parsed`);
}

const holds = (text: string, n: NodeSnapshot) => nodeMatches(parseNodeConstraints([text]), n);

describe('parseNodeConstraints', () => {
  it('reads key, operator and value, trimming spaces around them', () => {
    expect(parseNodeConstraints(['node.labels.zone==a', ' node.role != manager '])).toEqual([
      { key: 'node.labels.zone', op: '==', value: 'a' },
      { key: 'node.role', op: '!=', value: 'manager' },
    ]);
    expect(parseNodeConstraints([])).toEqual([]);
  });

  it("refuses with SwarmKit's texts", () => {
    expect(refusal('node.labels.zone')).toBe('constraint expected one operator from ==, !=');
    expect(refusal('node.labels.zone=a')).toBe('constraint expected one operator from ==, !=');
    // Keys are at least two characters and start with a letter or _.
    expect(refusal('x==a')).toBe("key 'x' is invalid");
    expect(refusal('9zone==a')).toBe("key '9zone' is invalid");
    expect(refusal('==a')).toBe("key '' is invalid");
    expect(refusal('node.labels.zone==')).toBe("value '' is invalid");
    expect(refusal('node.labels.zone==a=b')).toBe("value 'a=b' is invalid");
    expect(refusal('node.labels.zone==a<b')).toBe("value 'a<b' is invalid");
    // `==` is looked for first, whatever comes first in the text.
    expect(refusal('node.labels.zone!=a==b')).toBe("key 'node.labels.zone!=a' is invalid");
    expect(refusal('node.labels.zone==a!=b')).toBe("value 'a!=b' is invalid");
  });

  it("accepts SwarmKit's value characters, inner spaces included", () => {
    expect(parseNodeConstraints(['node.labels.x==a b/c:d*(e)?+[f]^$|\\g'])[0]?.value).toBe(
      'a b/c:d*(e)?+[f]^$|\\g',
    );
  });
});

describe('nodeMatches', () => {
  const n = node('web-1', {
    nodeId: 'abc123',
    ip: '198.18.0.11',
    nodeLabels: { zone: 'East', 'Disk.Type': 'ssd' },
    labels: { rack: 'r1', ostype: 'linux' },
    platform: { os: 'linux', arch: 'x86_64' },
  });

  it('matches node.id and node.hostname as whole strings, ignoring case', () => {
    expect(holds('node.id==abc123', n)).toBe(true);
    expect(holds('node.id==ABC123', n)).toBe(true);
    expect(holds('node.id==abc', n)).toBe(false);
    expect(holds('node.hostname==WEB-1', n)).toBe(true);
    expect(holds('node.hostname==web-*', n)).toBe(false);
    expect(holds('node.hostname!=web-2', n)).toBe(true);
    // Keys ignore case too.
    expect(holds('NODE.Hostname==web-1', n)).toBe(true);
  });

  it('folds case as Go does (the Kelvin sign is k)', () => {
    expect(holds('node.hostname==web-1', node('WEB-1'))).toBe(true);
    expect(holds('node.hostname==\u212a8s', node('k8s'))).toBe(true);
  });

  it('says every engine is a worker', () => {
    expect(holds('node.role==worker', n)).toBe(true);
    expect(holds('node.role!=manager', n)).toBe(true);
    expect(holds('node.role==manager', n)).toBe(false);
  });

  it('compares node.ip with an address or a network; a malformed one matches nothing', () => {
    expect(holds('node.ip==198.18.0.11', n)).toBe(true);
    expect(holds('node.ip==::ffff:198.18.0.11', n)).toBe(true);
    expect(holds('node.ip!=198.18.0.11', n)).toBe(false);
    expect(holds('node.ip==198.18.0.0/24', n)).toBe(true);
    expect(holds('node.ip!=198.18.1.0/24', n)).toBe(true);
    expect(holds('node.ip==198.18.1.0/24', n)).toBe(false);
    // Go keeps the families apart: an IPv6 network holds no IPv4 address.
    expect(holds('node.ip==::/0', n)).toBe(false);
    expect(holds('node.ip==2001:db8::/32', node('v6', { ip: '2001:db8::2' }))).toBe(true);
    expect(holds('node.ip==2001:DB8:0::2', node('v6', { ip: '2001:db8::2' }))).toBe(true);
    for (const bad of ['198.18.0.256', '198.18.0.011', '198.18.0.0/33', 'somewhere']) {
      expect(holds(`node.ip==${bad}`, n)).toBe(false);
      expect(holds(`node.ip!=${bad}`, n)).toBe(false);
    }
    // A node without an address: == fails, != holds.
    expect(holds('node.ip==198.18.0.11', node('x', { ip: '' }))).toBe(false);
    expect(holds('node.ip!=198.18.0.11', node('x', { ip: '' }))).toBe(true);
  });

  it('matches node.platform.os and node.platform.arch; an unknown platform reads ""', () => {
    expect(holds('node.platform.os==Linux', n)).toBe(true);
    expect(holds('node.platform.arch==x86_64', n)).toBe(true);
    expect(holds('node.platform.arch!=aarch64', n)).toBe(true);
    const unknown = node('x', { platform: { os: '', arch: '' } });
    expect(holds('node.platform.os==linux', unknown)).toBe(false);
    expect(holds('node.platform.os!=linux', unknown)).toBe(true);
  });

  it('reads node labels: the prefix ignores case, the label name does not, the value ignores case', () => {
    expect(holds('node.labels.zone==east', n)).toBe(true);
    expect(holds('NODE.LABELS.zone==east', n)).toBe(true);
    expect(holds('node.labels.Zone==east', n)).toBe(false);
    expect(holds('node.labels.Disk.Type==SSD', n)).toBe(true);
    expect(holds('node.labels.zone==eas', n)).toBe(false);
    // A missing label reads as "": == fails, != holds.
    expect(holds('node.labels.rack==r1', n)).toBe(false);
    expect(holds('node.labels.rack!=r1', n)).toBe(true);
    expect(holds('node.labels.constructor!=x', n)).toBe(true);
  });

  it("reads the engine's own labels, not classic's built-ins", () => {
    expect(holds('engine.labels.rack==R1', n)).toBe(true);
    expect(holds('Engine.Labels.rack!=r1', n)).toBe(false);
    expect(holds('engine.labels.zone==east', n)).toBe(false);
    expect(holds('engine.labels.ostype==linux', n)).toBe(false);
    expect(holds('engine.labels.ostype!=linux', n)).toBe(true);
  });

  it('never matches a key SwarmKit does not know, whatever the operator', () => {
    for (const text of ['node.name==web-1', 'node.name!=web-1', 'zone==east', 'node.labels==x']) {
      expect(holds(text, n)).toBe(false);
    }
  });

  it('needs every constraint', () => {
    const both = parseNodeConstraints(['node.labels.zone==east', 'engine.labels.rack==r2']);
    expect(nodeMatches(both, n)).toBe(false);
    expect(nodeMatches(both, node('y', { nodeLabels: { zone: 'east' }, labels: { rack: 'r2' } }))).toBe(true);
  });
});
