import { describe, expect, it } from 'vitest';
import { healthFilter } from '../../src/scheduler/filters/health.js';
import { resourcesFilter } from '../../src/scheduler/filters/resources.js';
import { placementRequest } from '../../src/scheduler/request.js';
import { schedule } from '../../src/scheduler/schedule.js';
import { spread } from '../../strategies/spread.js';
import { node, request, seeded } from '../support/nodes.js';

const sched = { filters: [healthFilter, resourcesFilter(0.05)], strategy: spread };
const ctx = { rng: seeded(), overcommit: 0.05 };

describe('schedule', () => {
  it('says so when there are no nodes, or no healthy one', () => {
    expect(schedule(sched, [], request(), ctx)).toMatchObject({
      ok: false,
      message: 'No nodes available in the cluster',
    });
    expect(schedule(sched, [node('a', { healthIndicator: 0 })], request(), ctx)).toMatchObject({
      ok: false,
      message: 'No healthy node available in the cluster',
    });
  });

  it("uses classic's text when resources run out, and explains each rejection", () => {
    const d = schedule(
      sched,
      [node('a', { usedCpus: 2 }), node('b', { usedCpus: 2 })],
      request({ cpus: 1 }),
      ctx,
    );
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.message).toBe('no resources available to schedule container');
    expect(d.rejections.map((r) => r.node)).toEqual(['a', 'b']);
  });

  it('picks the least loaded node', () => {
    const d = schedule(sched, [node('busy', { usedCpus: 1 }), node('idle')], request({ cpus: 1 }), ctx);
    expect(d.ok && d.node.name).toBe('idle');
  });
});

describe('placement request', () => {
  it('reads resources (classic -c meaning CPUs, --cpus, -m, reservation) and ports', () => {
    const r = placementRequest('x', {
      Image: 'busybox',
      HostConfig: {
        CpuShares: 2,
        Memory: 64,
        PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
      },
    });
    expect(r).toMatchObject({ cpus: 2, memory: 64, hostPorts: [{ ip: '', port: '8080' }] });
    expect(placementRequest('x', { HostConfig: { NanoCpus: 1.5e9, MemoryReservation: 32 } })).toMatchObject({
      cpus: 1.5,
      memory: 32,
    });
    expect(
      placementRequest('x', { HostConfig: { NetworkMode: 'host' }, ExposedPorts: { '80/tcp': {} } })
        .exposedPorts,
    ).toEqual(['80/tcp']);
  });

  it('refuses wrong types as invalid (the API answers 400)', () => {
    for (const body of [
      { Image: 5 },
      { Env: 'x' },
      { Labels: { a: 1 } },
      { HostConfig: 'x' },
      { HostConfig: { Memory: '1g' } },
    ]) {
      expect(() => placementRequest('x', body)).toThrow(
        expect.objectContaining({ kind: 'invalid' }) as Error,
      );
    }
  });
});
