// One contract, run against every strategy: a strategy orders the nodes it is given, never drops or adds one.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binpack } from '../../strategies/binpack.js';
import { random } from '../../strategies/random.js';
import { spread } from '../../strategies/spread.js';
import { weight } from '../../strategies/weight.js';
import { loadStrategy } from '../../src/placement/strategy-module.js';
import { healthFilter } from '../../src/scheduler/filters/health.js';
import { resourcesFilter } from '../../src/scheduler/filters/resources.js';
import type { Strategy } from '../../src/scheduler/types.js';
import { node, placeMany, request, seeded } from '../support/nodes.js';

const all: Strategy[] = [spread, binpack, random];

describe.each(all.map((s) => [s.name, s] as const))('strategy %s', (_name, strategy) => {
  it('returns a permutation of its input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 1000 }), (n, seed) => {
        const nodes = Array.from({ length: n }, (_, i) =>
          node(`n${i}`, { usedCpus: i % 3, healthIndicator: 100 - (i % 2) * 50 }),
        );
        const ranked = strategy.rank(nodes, request({ cpus: 1 }), { rng: seeded(seed), overcommit: 0.05 });
        expect(ranked.map((x) => x.name).sort()).toEqual(nodes.map((x) => x.name).sort());
      }),
    );
  });

  it('finds with best() a node that rank() could have put first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 1000 }), (n, seed) => {
        const nodes = Array.from({ length: n }, (_, i) =>
          node(`n${i}`, { usedCpus: (i * seed) % 3, healthIndicator: 100 - ((i + seed) % 2) * 50 }),
        );
        const req = request({ cpus: 1 });
        const ranked = strategy.rank(nodes, req, { rng: seeded(seed), overcommit: 0 });
        const best = strategy.best?.(nodes, req, { rng: seeded(seed + 1), overcommit: 0 });
        if (!best) return;
        if (strategy.name === 'random') {
          expect(nodes).toContain(best);
          return;
        }
        const first = ranked[0];
        const key = (x: typeof first) =>
          x ? `${weight(x, req, 0, strategy.name === 'spread' ? -10 : 10)}|${x.containers.length}` : '';
        expect(key(best)).toBe(key(first));
      }),
    );
  });

  it('is reproducible with the same random source', () => {
    const nodes = Array.from({ length: 6 }, (_, i) => node(`n${i}`));
    const a = strategy.rank(nodes, request(), { rng: seeded(7), overcommit: 0 }).map((x) => x.name);
    const b = strategy.rank(nodes, request(), { rng: seeded(7), overcommit: 0 }).map((x) => x.name);
    expect(a).toEqual(b);
  });

  it('places 60 containers on 3 nodes and never on an unhealthy one', () => {
    const sched = { filters: [healthFilter, resourcesFilter(0.05)], strategy };
    const split = placeMany(
      sched,
      [node('a'), node('b'), node('c'), node('down', { healthIndicator: 0 })],
      request(),
      60,
    );
    expect(split['down']).toBe(0);
    expect(Object.values(split).reduce((x, y) => x + y, 0)).toBe(60);
  });
});

describe('classic splits', () => {
  const nodes = () => [node('a'), node('b'), node('c')];
  it('spread puts 60 containers 20/20/20', () => {
    expect(placeMany({ filters: [healthFilter], strategy: spread }, nodes(), request(), 60)).toEqual({
      a: 20,
      b: 20,
      c: 20,
    });
  });

  it('binpack puts all 60 on one node', () => {
    const split = Object.values(
      placeMany({ filters: [healthFilter], strategy: binpack }, nodes(), request(), 60),
    ).sort();
    expect(split).toEqual([0, 0, 60]);
  });

  it('binpack fills a node up to its memory before moving on; spread balances by reservation', () => {
    const gb = 1024 ** 3;
    const sched = (s: Strategy) => ({ filters: [healthFilter, resourcesFilter(0)], strategy: s });
    const bp = Object.values(placeMany(sched(binpack), nodes(), request({ memory: gb / 2 }), 9)).sort();
    expect(bp).toEqual([1, 4, 4]);
    expect(placeMany(sched(spread), nodes(), request({ memory: gb / 2 }), 9)).toEqual({ a: 3, b: 3, c: 3 });
  });

  it('avoids a node with recent failures', () => {
    const split = placeMany(
      { filters: [healthFilter], strategy: spread },
      [node('ok'), node('flaky', { healthIndicator: 34 })],
      request(),
      10,
    );
    expect(split).toEqual({ ok: 10, flaky: 0 });
  });
});

describe('loading strategies', () => {
  it('knows the built-ins and binpacking as an alias, and refuses unknown names', async () => {
    expect((await loadStrategy('binpacking')).name).toBe('binpack');
    await expect(loadStrategy('nope')).rejects.toThrow('strategy not supported');
    await expect(loadStrategy('toString')).rejects.toThrow('strategy not supported');
  });

  it("loads a user's module by path", async () => {
    const s = await loadStrategy('./test/support/reverse-strategy.ts');
    expect(s.name).toBe('reverse');
    expect(
      s.rank([node('a'), node('b')], request(), { rng: seeded(), overcommit: 0 }).map((n) => n.name),
    ).toEqual(['b', 'a']);
    await expect(loadStrategy('./test/support/missing.js')).rejects.toThrow('cannot load strategy module');
  });
});

describe('the README example strategy', () => {
  it('loads and ranks as written', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Writing your own strategy'));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), 'shoal-strategy-')), 'my-strategy.mjs');
    writeFileSync(file, code ?? '');
    const s = await loadStrategy(file);
    const busy = node('a', {
      containers: [
        {
          id: 'x',
          name: 'x',
          image: '',
          imageId: '',
          labels: {},
          state: 'running',
          networkMode: '',
          hostPorts: [],
          exposedPorts: [],
          memory: 0,
          cpus: 0,
        },
      ],
    });
    expect(
      s.rank([busy, node('c'), node('b')], request(), { rng: seeded(), overcommit: 0 }).map((n) => n.name),
    ).toEqual(['b', 'c', 'a']);
  });
});
