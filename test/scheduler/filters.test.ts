// Every filter against node snapshots, and the message when nothing fits.
import { DEFAULT_FILTERS } from '../../src/config/manage.js';
import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../src/scheduler/expr.js';
import { filtersByName } from '../../src/scheduler/filters/index.js';
import { affinityFilter } from '../../src/scheduler/filters/affinity.js';
import { constraintFilter } from '../../src/scheduler/filters/constraint.js';
import { containerslotsFilter } from '../../src/scheduler/filters/containerslots.js';
import { dependenciesOf, dependencyFilter } from '../../src/scheduler/filters/dependency.js';
import { healthFilter } from '../../src/scheduler/filters/health.js';
import { portFilter } from '../../src/scheduler/filters/port.js';
import { whitelistFilter } from '../../src/scheduler/filters/whitelist.js';
import { check } from '../../src/scheduler/filters/check.js';
import { schedule } from '../../src/scheduler/schedule.js';
import type { ContainerSnapshot } from '../../src/scheduler/types.js';
import { spread } from '../../strategies/spread.js';
import { node, request, seeded } from '../support/nodes.js';

function c(over: Partial<ContainerSnapshot>): ContainerSnapshot {
  return {
    id: 'a'.repeat(64),
    name: 'x',
    image: 'busybox',
    imageId: 'sha256:1',
    labels: {},
    state: 'running',
    networkMode: 'default',
    hostPorts: [],
    exposedPorts: [],
    memory: 0,
    cpus: 0,
    ...over,
  };
}
const x = (t: string) => parseExpr(t);

describe('port', () => {
  const busy = node('busy', {
    containers: [c({ name: 'web', state: 'exited', hostPorts: [{ ip: '', port: '8080' }] })],
  });
  const local = node('local', {
    containers: [c({ name: 'lo', hostPorts: [{ ip: '127.0.0.1', port: '8080' }] })],
  });
  it('refuses a node where any container, stopped or not, binds the port on a clashing address', () => {
    const req = request({ hostPorts: [{ ip: '', port: '8080' }] });
    expect(check(portFilter, busy, req)).toBe('port 8080 is taken by web');
    expect(check(portFilter, local, req)).toBe('port 8080 is taken by lo');
    expect(
      check(portFilter, local, request({ hostPorts: [{ ip: '198.18.0.10', port: '8080' }] })),
    ).toBeUndefined();
    expect(check(portFilter, busy, request({ hostPorts: [{ ip: '', port: '9090' }] }))).toBeUndefined();
    expect(portFilter.conditions(req)).toEqual(['port 8080 (Bridge mode)']);
  });

  it('counts ports exposed in host network mode', () => {
    const host = node('h', {
      containers: [c({ name: 'nginx', networkMode: 'host', exposedPorts: ['80/tcp'] })],
    });
    const req = request({ networkMode: 'host', exposedPorts: ['80/tcp'] });
    expect(check(portFilter, host, req)).toBe('port 80/tcp is taken in host mode by nginx');
    expect(portFilter.conditions(req)).toEqual(['port 80/tcp (Host mode)']);
  });
});

describe('containerslots', () => {
  it('limits containers (any state) to the engine label, ignoring bad values', () => {
    const full = node('f', { labels: { containerslots: '2' }, containers: [c({}), c({ state: 'exited' })] });
    expect(check(containerslotsFilter, full, request())).toBe('all 2 container slots are in use');
    expect(
      check(
        containerslotsFilter,
        node('ok', { labels: { containerslots: '3' }, containers: [c({})] }),
        request(),
      ),
    ).toBeUndefined();
    expect(
      check(containerslotsFilter, node('bad', { labels: { containerslots: 'x' } }), request()),
    ).toBeUndefined();
  });
});

describe('dependency', () => {
  it('reads --volumes-from, --link and --net container:x, and wants them on the node', () => {
    const deps = dependenciesOf({
      VolumesFrom: ['data:ro'],
      Links: ['/db:database'],
      NetworkMode: 'container:proxy',
    });
    expect(deps).toEqual([
      { kind: 'volumes-from', name: 'data' },
      { kind: 'link', name: 'db' },
      { kind: 'net', name: 'proxy' },
    ]);
    const req = request({ dependencies: deps });
    expect(dependencyFilter.conditions(req)).toEqual([
      '--volumes-from=data',
      '--link=db',
      '--net=container:proxy',
    ]);
    const all = node('all', { containers: [c({ name: 'data' }), c({ name: 'db' }), c({ name: 'proxy' })] });
    expect(check(dependencyFilter, all, req)).toBeUndefined();
    expect(check(dependencyFilter, node('none'), req)).toBe('data (--volumes-from) is not on this node');
  });
});

describe('affinity', () => {
  const n = node('n', {
    containers: [c({ id: 'abc123'.padEnd(64, '0'), name: 'redis-1', labels: { tier: 'cache' } })],
    images: ['sha256:1', 'redis:6', 'redis'],
  });
  it.each([
    ['container==redis-1', true],
    ['container==redis*', true],
    ['container==abc123'.padEnd(75, '0'), true],
    ['container!=redis-1', false],
    ['container==web', false],
    ['image==redis', true],
    ['image==redis:6', true],
    ['image==/red/', true],
    ['image==nginx', false],
    ['tier==cache', true],
    ['tier!=cache', false],
    ['tier==web', false],
  ])('%s → %s', (t, ok) => {
    expect(check(affinityFilter, n, request({ affinities: [x(t)] })) === undefined).toBe(ok);
  });

  it('lists expressions with their soft flag', () => {
    expect(affinityFilter.conditions(request({ affinities: [x('container==~web')] }))).toEqual([
      'container==web (soft=true)',
    ]);
  });
});

describe('constraint', () => {
  const n = node('node-1', { id: 'NODEID', labels: { storage: 'ssd', ostype: 'linux' } });
  it.each([
    ['node==node-1', true],
    ['node==NODEID', true],
    ['node==node-*', true],
    ['node!=node-1', false],
    ['node==/node-[12]/', true],
    ['storage==ssd', true],
    ['storage!=ssd', false],
    ['storage==disk', false],
    ['zone!=a', true],
    ['zone==a', false],
    ['ostype==linux', true],
    ['node==/(?i)NODE-\\pN/', true],
    ['node==/(n)\\1/', false],
    ['node!=/(n)\\1/', true],
  ])('%s → %s', (t, ok) => {
    expect(check(constraintFilter, n, request({ constraints: [x(t)] })) === undefined).toBe(ok);
  });

  it("matches nothing with a pattern Go refuses, as classic did, and gives Go's error as the reason", () => {
    const refused = request({ constraints: [x('node==/(node)\\1/')] });
    expect(check(constraintFilter, n, refused)).toBe(
      'constraint node==/(node)\\1/ does not hold (error parsing regexp: invalid escape sequence: `\\1`)',
    );
    expect(check(affinityFilter, n, request({ affinities: [x('image==/(a)\\1/')] }))).toBe(
      'affinity image==/(a)\\1/ does not hold (error parsing regexp: invalid escape sequence: `\\1`)',
    );
    expect(check(whitelistFilter, n, request({ whitelists: [x('node==/x(/|node-2')] }))).toBe(
      'not in whitelist /x(/|node-2 (error parsing regexp: missing closing ): `x(`)',
    );
  });
});

describe('whitelist', () => {
  it('keeps the listed nodes for ==, the others for !=', () => {
    const req = request({ whitelists: [x('node==node-1|node-2')] });
    expect(check(whitelistFilter, node('node-1'), req)).toBeUndefined();
    expect(check(whitelistFilter, node('node-3'), req)).toBeDefined();
    expect(
      check(whitelistFilter, node('node-1'), request({ whitelists: [x('node!=node-1')] })),
    ).toBeDefined();
  });
});

describe('when nothing fits', () => {
  const sched = {
    filters: filtersByName(DEFAULT_FILTERS),
    strategy: spread,
  };
  const ctx = { rng: seeded(), overcommit: 0.05 };

  it("starts with classic's line, lists conditions up to the failing filter, then explains per node", () => {
    const nodes = [node('node-0', { labels: { zone: 'a' } }), node('node-1', { labels: { zone: 'b' } })];
    const d = schedule(
      sched,
      nodes,
      request({ hostPorts: [{ ip: '', port: '80' }], constraints: [x('zone==c')] }),
      ctx,
    );
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.message.split('\n')).toEqual([
      'Unable to find a node that satisfies the following conditions ',
      '[port 80 (Bridge mode)]',
      '[available container slots]',
      '[zone==c]',
      'constraint filter rejected 2 nodes: node-0 (constraint zone==c does not hold (zone=a)), node-1 (constraint zone==c does not hold (zone=b))',
    ]);
  });

  it('drops soft expressions in a second pass', () => {
    const nodes = [node('node-0', { labels: { zone: 'a' } })];
    const d = schedule(sched, nodes, request({ constraints: [x('zone==~b')] }), ctx);
    expect(d.ok && d.node.name).toBe('node-0');
    const hard = schedule(sched, nodes, request({ constraints: [x('zone==b')] }), ctx);
    expect(hard.ok).toBe(false);
  });

  it('prefers the soft choice when it exists', () => {
    const nodes = [node('node-0', { labels: { zone: 'a' } }), node('node-1', { labels: { zone: 'b' } })];
    for (let i = 0; i < 5; i++) {
      const d = schedule(sched, nodes, request({ constraints: [x('zone==~b')] }), {
        rng: seeded(i),
        overcommit: 0,
      });
      expect(d.ok && d.node.name).toBe('node-1');
    }
  });

  it('health failure keeps its own message', () => {
    expect(schedule(sched, [node('a', { healthIndicator: 0 })], request(), ctx)).toMatchObject({
      message: 'No healthy node available in the cluster',
    });
    expect(healthFilter.conditions(request())).toEqual([]);
  });
});
