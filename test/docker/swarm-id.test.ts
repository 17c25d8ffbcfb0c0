// Swarm-style IDs derived from a seed: swarmkit's shape (25 lowercase base36 characters), stable, distinct.
import { expect, it } from 'vitest';
import { nodeIdOf, swarmIdOf } from '../../src/docker/swarm-id.js';

it('derives 25 lowercase base36 characters, the same for the same seed', () => {
  const seeds = ['QOB4:52BI:6G3V:JGTL:QPUV:UHTB:MVZO:IAXZ:J7UC:GFBZ:KYPD:OZVJ', 'x', '', 'swarm:abc'];
  for (const s of seeds) {
    expect(swarmIdOf(s)).toMatch(/^[0-9a-z]{25}$/);
    expect(swarmIdOf(s)).toBe(swarmIdOf(s));
  }
  expect(new Set(seeds.map(swarmIdOf)).size).toBe(seeds.length);
});

it('a node ID is not the engine ID and differs from other objects derived from the same text', () => {
  const engine = '3f1c2b7e-4d0a-4a51-9d77-2a9c1e0b5f10';
  expect(nodeIdOf(engine)).toMatch(/^[0-9a-z]{25}$/);
  expect(nodeIdOf(engine)).not.toBe(swarmIdOf(engine));
  expect(nodeIdOf(engine)).toBe(nodeIdOf(engine));
});

it('pads small numbers with zeros to the full length, as swarmkit does', () => {
  // Many seeds: some hash to a number with leading base36 zeros; every ID still has 25 characters.
  const ids = Array.from({ length: 2000 }, (_, i) => swarmIdOf(`seed-${i}`));
  expect(ids.every((id) => id.length === 25)).toBe(true);
  expect(ids.some((id) => id.startsWith('0'))).toBe(true);
});
