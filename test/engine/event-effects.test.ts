import { describe, expect, it } from 'vitest';
import { alreadyCached, effectOf } from '../../src/engine/event-effects.js';
import type { CachedContainer, DockerEvent } from '../../src/engine/types.js';

const ev = (Type: string, Action: string, attrs: Record<string, string> = {}, id = 'c1'): DockerEvent => ({
  Type,
  Action,
  Actor: { ID: id, Attributes: attrs },
  time: 1,
  timeNano: 1,
});

describe('what an engine event changes', () => {
  it('refreshes the container on state changes and drops it on destroy', () => {
    for (const a of [
      'create',
      'start',
      'die',
      'stop',
      'kill',
      'pause',
      'unpause',
      'rename',
      'update',
      'health_status: healthy',
      'restart',
      'oom',
    ]) {
      expect(effectOf(ev('container', a)).container, a).toEqual({ id: 'c1', action: 'refresh' });
    }
    expect(effectOf(ev('container', 'destroy')).container).toEqual({ id: 'c1', action: 'remove' });
  });

  it('a kill asks for a health check at once (a stopping daemon kills every container first)', () => {
    expect(effectOf(ev('container', 'kill', { signal: '15' })).probe).toBe(true);
    expect(effectOf(ev('container', 'die')).probe).toBeUndefined();
  });

  it('ignores container actions that change nothing cached, but remembers new execs', () => {
    for (const a of ['top', 'resize', 'attach', 'exec_start: sh', 'exec_die', 'archive-path', 'export']) {
      expect(effectOf(ev('container', a)).container, a).toBeUndefined();
    }
    expect(effectOf(ev('container', 'exec_create: sh -c ls', { execID: 'e1' })).exec).toEqual({
      id: 'e1',
      containerId: 'c1',
    });
  });

  it('re-lists images, networks and volumes, and re-reads specs on daemon reload', () => {
    expect(effectOf(ev('image', 'pull')).images).toBe(true);
    expect(effectOf(ev('container', 'commit')).images).toBe(true);
    expect(effectOf(ev('network', 'connect', { container: 'c9' }))).toEqual({
      networks: true,
      container: { id: 'c9', action: 'refresh' },
    });
    expect(effectOf(ev('volume', 'create')).volumes).toBe(true);
    expect(effectOf(ev('daemon', 'reload')).specs).toBe(true);
  });
});

describe('an event the cache already shows', () => {
  const at = Date.parse('2026-12-07T04:00:00.000Z');
  const event = (action: string, ms = at): DockerEvent => ({
    Type: 'container',
    Action: action,
    Actor: { ID: 'c1', Attributes: {} },
    time: Math.floor(ms / 1000),
    timeNano: ms * 1e6,
  });
  const cached = (state: Partial<CachedContainer['detail']['State']>): CachedContainer =>
    ({ id: 'c1', detail: { State: state } }) as unknown as CachedContainer;

  it('is not read again: a create of a known container, its start or death at the times the cache has', () => {
    expect(alreadyCached(cached({}), event('create'))).toBe(true);
    expect(alreadyCached(undefined, event('create'))).toBe(false);
    const running = cached({ Running: true, StartedAt: '2026-12-07T03:59:59.950Z' });
    expect(alreadyCached(running, event('start'))).toBe(true);
    // A later start (a restart the cache has not seen) is read again, and so is anything else.
    expect(alreadyCached(running, event('start', at + 5000))).toBe(false);
    expect(alreadyCached(running, event('die'))).toBe(false);
    expect(alreadyCached(running, event('health_status: unhealthy'))).toBe(false);
    const dead = cached({ Running: false, FinishedAt: '2026-12-07T04:00:00.010Z' });
    expect(alreadyCached(dead, event('die'))).toBe(true);
    expect(alreadyCached(dead, event('start'))).toBe(false);
  });
});
