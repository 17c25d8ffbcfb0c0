// GET /nodes filters: swarmkit's matching on Node objects.
import { expect, it } from 'vitest';
import { FilterArgs } from '../../src/docker/filters.js';
import type { DockerNode } from '../../src/nodes/node-object.js';
import { nodeFilter } from '../../src/nodes/node-filters.js';

function n(
  id: string,
  hostname: string,
  over: Partial<DockerNode['Spec']> = {},
  engineLabels = {},
): DockerNode {
  return {
    ID: id,
    Version: { Index: 1 },
    CreatedAt: '',
    UpdatedAt: '',
    Spec: { Labels: {}, Role: 'worker', Availability: 'active', ...over },
    Description: {
      Hostname: hostname,
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 0, MemoryBytes: 0 },
      Engine: { EngineVersion: '', Labels: engineLabels, Plugins: [] },
    },
    Status: { State: 'ready', Addr: '' },
  };
}

const NODES = [
  n('aaa111', 'node-0', { Labels: { tier: 'front' } }, { zone: 'a' }),
  n('aab222', 'node-1', { Labels: { tier: '' } }, { zone: 'b' }),
  n('bbb333', 'web-2', { Name: 'special' }, {}),
  n('ccc444', 'manager', { Role: 'manager', Availability: 'drain' }),
];

const pick = (filters: Record<string, string[]>) =>
  NODES.filter(nodeFilter(FilterArgs.of(filters))).map((x) => x.ID);

it('id and name are prefixes (name on hostname or spec name)', () => {
  expect(pick({ id: ['aa'] })).toEqual(['aaa111', 'aab222']);
  expect(pick({ name: ['node-'] })).toEqual(['aaa111', 'aab222']);
  expect(pick({ name: ['spec'] })).toEqual(['bbb333']);
  expect(pick({ name: ['node-1', 'web'] })).toEqual(['aab222', 'bbb333']);
});

it('label matches engine labels, node.label the node’s own; `k` and `k=` ask only for the key', () => {
  expect(pick({ label: ['zone=a'] })).toEqual(['aaa111']);
  expect(pick({ label: ['zone'] })).toEqual(['aaa111', 'aab222']);
  expect(pick({ 'node.label': ['tier=front'] })).toEqual(['aaa111']);
  expect(pick({ 'node.label': ['tier='] })).toEqual(['aaa111', 'aab222']);
  expect(pick({ 'node.label': ['tier', 'zone'] })).toEqual([]);
});

it('role and membership, any case; unknown values and keys are refused with Docker’s texts', () => {
  expect(pick({ role: ['Manager'] })).toEqual(['ccc444']);
  expect(pick({ role: ['worker', ''] })).toEqual(['aaa111', 'aab222', 'bbb333']);
  expect(pick({ membership: ['accepted'] })).toHaveLength(4);
  expect(pick({ membership: ['pending'] })).toEqual([]);
  expect(() => pick({ role: ['boss'] })).toThrow("Invalid role filter: 'boss'");
  expect(() => pick({ membership: ['x'] })).toThrow("Invalid membership filter: 'x'");
  expect(() => pick({ hostname: ['x'] })).toThrow("Invalid filter 'hostname'");
});
