import { describe, expect, it } from 'vitest';
import { FilterArgs } from '../../src/docker/filters.js';
import type { DockerEvent } from '../../src/engine/types.js';
import { includeEvent } from '../../src/events/event-filter.js';
import { EventHub, HISTORY_LIMIT } from '../../src/events/hub.js';

const ev = (Type: string, Action: string, id: string, attrs: Record<string, string>, t = 1): DockerEvent => ({
  Type,
  Action,
  Actor: { ID: id, Attributes: attrs },
  time: t,
  timeNano: t * 1e9,
  scope: 'local',
});

const start = ev('container', 'start', 'abc123', {
  name: 'web',
  image: 'busybox:latest',
  'node.name': 'node-1',
  'node.id': 'ID1',
  tier: 'front',
});

describe('event filters', () => {
  it.each([
    [{ type: ['container'] }, true],
    [{ type: ['image'] }, false],
    [{ container: ['web'] }, true],
    [{ container: ['abc'] }, true],
    [{ container: ['db'] }, false],
    [{ event: ['start'] }, true],
    [{ event: ['stop'] }, false],
    [{ image: ['busybox'] }, true],
    [{ image: ['busybox:latest'] }, true],
    [{ image: ['alpine'] }, false],
    [{ label: ['tier=front'] }, true],
    [{ label: ['tier=back'] }, false],
    [{ node: ['node-1'] }, true],
    [{ node: ['node-2'] }, false],
    [{ type: ['container'], event: ['start'], node: ['node-1'] }, true],
  ])('%j → %s', (f, want) => {
    expect(includeEvent(FilterArgs.of(f as Record<string, string[]>), start)).toBe(want);
  });

  it('matches health_status and exec_* by prefix, as Docker does', () => {
    const health = ev('container', 'health_status: healthy', 'c', {});
    expect(includeEvent(FilterArgs.of({ event: ['health_status'] }), health)).toBe(true);
  });
});

describe('event history', () => {
  it('returns past events in [since, until], oldest first, and none without bounds', () => {
    const hub = new EventHub();
    hub.publish(ev('container', 'create', 'a', {}, 10));
    hub.publish(ev('container', 'start', 'a', {}, 20));
    hub.publish(ev('container', 'die', 'a', {}, 30), false);
    const none = new FilterArgs();
    expect(hub.past(none, 15e9, 30e9).map((e) => e.Action)).toEqual(['start', 'die']);
    expect(hub.past(none, undefined, 10e9).map((e) => e.Action)).toEqual(['create']);
    expect(hub.past(none)).toEqual([]);
  });

  it('keeps the last HISTORY_LIMIT events, oldest first', () => {
    const hub = new EventHub();
    for (let t = 1; t <= HISTORY_LIMIT + 5; t++) hub.publish(ev('container', `e${t}`, 'a', {}, t));
    const past = hub.past(new FilterArgs(), 0);
    expect(past).toHaveLength(HISTORY_LIMIT);
    expect(past[0]?.Action).toBe('e6');
    expect(past.at(-1)?.Action).toBe(`e${HISTORY_LIMIT + 5}`);
  });

  it('makes a replayed event only when a read reaches it, once, and filters what it made', () => {
    const hub = new EventHub();
    const made: string[] = [];
    const past = (id: string, t: number, node: string) =>
      hub.publishPast(t * 1e9, () => {
        made.push(id);
        return ev('container', 'create', id, { 'node.name': node }, t);
      });
    const got: string[] = [];
    hub.subscribe({ filter: new FilterArgs(), send: (e) => got.push(e.Actor.ID) });
    past('a', 10, 'node-1');
    past('b', 20, 'node-2');
    past('c', 30, 'node-1');
    expect(made).toEqual([]);
    expect(got).toEqual([]);
    const onNode1 = FilterArgs.of({ node: ['node-1'] });
    expect(hub.past(onNode1, 15e9).map((e) => e.Actor.ID)).toEqual(['c']);
    expect(made.sort()).toEqual(['b', 'c']);
    expect(hub.past(new FilterArgs(), 0).map((e) => e.Actor.ID)).toEqual(['a', 'b', 'c']);
    expect(made.sort()).toEqual(['a', 'b', 'c']);
  });

  it('sends live events only to matching subscribers', () => {
    const hub = new EventHub();
    const got: string[] = [];
    const off = hub.subscribe({
      filter: FilterArgs.of({ event: ['start'] }),
      send: (e) => got.push(e.Action),
    });
    hub.publish(ev('container', 'create', 'a', {}));
    hub.publish(ev('container', 'start', 'a', {}));
    off();
    hub.publish(ev('container', 'start', 'b', {}));
    expect(got).toEqual(['start']);
  });
});
