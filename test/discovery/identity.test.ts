// A cluster's identity: one per discovery, whatever the order or ranges of a node list.
import { expect, it } from 'vitest';
import { clusterIdentity } from '../../src/discovery/identity.js';

it('a node list is one cluster in any order or range notation; other discoveries are others', () => {
  const a = clusterIdentity('198.18.1.[10:12]:2375');
  expect(clusterIdentity('198.18.1.12:2375,198.18.1.10:2375,198.18.1.11:2375')).toBe(a);
  expect(clusterIdentity('nodes://198.18.1.10:2375,198.18.1.11:2375,198.18.1.12:2375')).toBe(a);
  expect(clusterIdentity('198.18.1.10:2375,198.18.1.11:2375')).not.toBe(a);
  expect(clusterIdentity('consul://127.0.0.1:8500/a')).toBe(clusterIdentity('consul://127.0.0.1:8500/a/'));
  expect(clusterIdentity('consul://127.0.0.1:8500/a')).not.toBe(clusterIdentity('consul://127.0.0.1:8500/b'));
  expect(a).toMatch(/^[0-9a-f]{16}$/);
});
