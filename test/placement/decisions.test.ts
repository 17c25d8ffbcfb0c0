import { describe, expect, it } from 'vitest';
import { DecisionLog } from '../../src/placement/decisions.js';
import { parseExpr } from '../../src/scheduler/expr.js';
import { constraintFilter } from '../../src/scheduler/filters/constraint.js';
import { schedule, type Scheduler } from '../../src/scheduler/schedule.js';
import { spread } from '../../strategies/spread.js';
import { node, request, seeded } from '../support/nodes.js';

const sched: Scheduler = { filters: [constraintFilter], strategy: spread };
const nodes = [node('a', { labels: { zone: 'a' } }), node('b', { labels: { zone: 'b' } })];

function decide(log: DecisionLog, name: string, constraint: string): void {
  const req = request({ name, constraints: [parseExpr(constraint)] });
  log.record(sched, nodes, req, schedule(sched, nodes, req, { rng: seeded(), overcommit: 0 }));
}

describe('DecisionLog', () => {
  it('keeps the last decisions, newest first, explained, and counts every one', () => {
    const log = new DecisionLog(3, () => Date.UTC(2026, 0, 1));
    const seen: number[] = [];
    log.onRecord((seq) => seen.push(seq));
    for (let i = 0; i < 5; i++) decide(log, `c${i}`, i === 4 ? 'zone==z' : 'zone==b');
    const recent = log.recent();
    expect(recent.map((d) => [d.seq, d.name, d.ok, d.engine])).toEqual([
      [5, 'c4', false, undefined],
      [4, 'c3', true, 'b'],
      [3, 'c2', true, 'b'],
    ]);
    expect(recent[0]).toMatchObject({ filter: 'constraint', time: '2026-01-01T00:00:00.000Z' });
    expect(recent[1]?.rejected).toEqual([
      { filter: 'constraint', node: 'a', reason: 'constraint zone==b does not hold (zone=a)' },
    ]);
    expect(log.totals.placed).toBe(4);
    expect([...log.totals.failed]).toEqual([['constraint', 1]]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});
