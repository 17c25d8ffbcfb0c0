import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../src/scheduler/expr.js';
import { explainDecision, failingFilter } from '../../src/scheduler/explain.js';
import { constraintFilter } from '../../src/scheduler/filters/constraint.js';
import { containerslotsFilter } from '../../src/scheduler/filters/containerslots.js';
import { healthFilter } from '../../src/scheduler/filters/health.js';
import { resourcesFilter } from '../../src/scheduler/filters/resources.js';
import { schedule, type Scheduler } from '../../src/scheduler/schedule.js';
import { spread } from '../../strategies/spread.js';
import { node, request, seeded } from '../support/nodes.js';

const sched: Scheduler = {
  filters: [healthFilter, containerslotsFilter, constraintFilter, resourcesFilter(0.05)],
  strategy: spread,
};
const ctx = { rng: seeded(), overcommit: 0.05 };
const nodes = [
  node('node-0', { labels: { zone: 'a' } }),
  node('node-1', { labels: { zone: 'b' } }),
  node('node-2', { labels: { zone: 'b' }, healthIndicator: 0 }),
];

describe('explainDecision', () => {
  it('names the eligible engines, who rejected the others and why, and the conditions', () => {
    const req = request({ name: 'web', constraints: [parseExpr('zone==b')] });
    const d = schedule(sched, nodes, req, ctx);
    const e = explainDecision(sched, nodes, req, d);
    expect(e.eligible).toEqual(['node-1']);
    expect(e.rejected).toEqual([
      { filter: 'constraint', node: 'node-0', reason: 'constraint zone==b does not hold (zone=a)' },
      { filter: 'health', node: 'node-2', reason: 'engine is not healthy' },
    ]);
    expect(e.conditions).toEqual(['zone==b']);
    expect(e.reason).toBe(
      'node-1 was the only eligible engine of 3; constraint rejected node-0; health rejected node-2; conditions: zone==b',
    );
  });

  it('says what the strategy chose among several, and when soft expressions were dropped', () => {
    const req = request({ constraints: [parseExpr('zone==~c')] });
    const d = schedule(sched, nodes.slice(0, 2), req, ctx);
    const e = explainDecision(sched, nodes.slice(0, 2), req, d);
    expect(e.softDropped).toBe(true);
    expect(e.eligible).toEqual(['node-0', 'node-1']);
    expect(e.reason).toMatch(
      /^spread chose node-[01] \(the least reserved CPU and memory\) among 2 eligible engines of 2 \(node-0, node-1\); soft expressions dropped: no engine matched them$/,
    );
  });

  it("keeps the scheduler's own account of a failure", () => {
    const req = request({ constraints: [parseExpr('zone==z')] });
    const d = schedule(sched, nodes, req, ctx);
    const e = explainDecision(sched, nodes, req, d);
    expect(d.ok).toBe(false);
    expect(e.eligible).toEqual([]);
    expect(e.reason).toContain('Unable to find a node that satisfies the following conditions');
    expect(e.rejected.map((r) => `${r.filter} ${r.node}`)).toEqual([
      'health node-2',
      'constraint node-0',
      'constraint node-1',
    ]);
    expect(failingFilter(d, false)).toBe('constraint');
  });
});

describe('failingFilter', () => {
  it('is the filter that emptied the list for a container, the one that rejected most for a task', () => {
    const rejections = [
      { filter: 'health', node: 'a', reason: '' },
      { filter: 'task-constraint', node: 'b', reason: '' },
      { filter: 'task-constraint', node: 'c', reason: '' },
      { filter: 'resources', node: 'd', reason: '' },
    ];
    const d = { ok: false as const, message: '', rejections };
    expect(failingFilter(d, false)).toBe('resources');
    expect(failingFilter(d, true)).toBe('task-constraint');
    expect(
      failingFilter({ ok: false, message: 'No nodes available in the cluster', rejections: [] }, false),
    ).toBe('none');
  });
});
