// Service records as the API and the updater write them: what an update clears, what a rollback swaps, when
// the generation moves on, and the updater's changes (dropped when stale, rollback without a previous spec).
import { describe, expect, it } from 'vitest';
import type { UpdateService } from '../../src/services/actions.js';
import { rolledBackService, updatedService, withUpdate } from '../../src/services/service-record.js';
import type { Service } from '../../src/services/types.js';
import { service, T0 } from './fixtures.js';

const withImage = (s: Service, image: string) => ({
  ...s.Spec,
  TaskTemplate: { ContainerSpec: { Image: image } },
});

const running: Service = {
  ...service('web'),
  UpdateStatus: { State: 'updating', StartedAt: 'x', Message: 'update in progress' },
  Rollout: { dirty: 3, failed: [], since: T0 },
};

describe('service records', () => {
  it('an update clears UpdateStatus and the update under way, keeps the previous spec', () => {
    const next = updatedService(running, withImage(running, 'busybox:new'), T0, 7);
    expect(next.UpdateStatus).toBeUndefined();
    expect(next.Rollout).toBeUndefined();
    expect(next.PreviousSpec).toBe(running.Spec);
    expect(next.SpecVersion).toBe(running.SpecVersion + 1);
    expect(next.Version.Index).toBe(7);
  });

  it('the generation moves on with the task template or the endpoint, not with a scale or labels', () => {
    const s = service('web');
    expect(updatedService(s, { ...s.Spec, Mode: { Replicated: { Replicas: 9 } } }, T0, 2).SpecVersion).toBe(
      1,
    );
    expect(updatedService(s, { ...s.Spec, Labels: { a: 'b' } }, T0, 2).SpecVersion).toBe(1);
    const ports = { ...s.Spec, EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 8080 }] } };
    expect(updatedService(s, ports, T0, 2).SpecVersion).toBe(2);
  });

  it('?rollback=previous swaps Spec and PreviousSpec and starts a rollback', () => {
    const updated = updatedService(service('web'), withImage(service('web'), 'busybox:new'), T0, 5);
    const back = rolledBackService(updated, updated.PreviousSpec ?? {}, T0 + 1000, 6);
    expect(back.Spec).toBe(updated.PreviousSpec);
    expect(back.PreviousSpec).toBe(updated.Spec);
    expect(back.SpecVersion).toBe(updated.SpecVersion + 1);
    expect(back.UpdateStatus).toEqual({
      State: 'rollback_started',
      StartedAt: new Date(T0 + 1000).toISOString(),
      Message: 'manually requested rollback',
    });
  });

  it("the updater's change: dropped when the service changed since, a rollback needs a previous spec", () => {
    const action: UpdateService = {
      kind: 'updateService',
      serviceId: 'web',
      version: running.Version.Index,
      status: { State: 'completed', StartedAt: 'x', CompletedAt: 'y', Message: 'update completed' },
      rollout: null,
      reason: 'test',
    };
    const done = withUpdate(running, action, T0, 9);
    expect(done.UpdateStatus?.State).toBe('completed');
    expect(done.Rollout).toBeUndefined();
    expect(done.Version.Index).toBe(9);
    expect(withUpdate(running, { ...action, version: 99 }, T0, 9)).toBe(running);
    expect(withUpdate(running, { ...action, rollback: true }, T0, 9)).toBe(running);
    // Its own record only: the version stays (a client's next update still matches it).
    const record = withUpdate(
      running,
      { ...action, status: undefined, rollout: { dirty: 3, failed: ['t'], since: T0 } },
      T0,
      9,
    );
    expect(record.Version.Index).toBe(running.Version.Index);
    expect(record.Rollout?.failed).toEqual(['t']);
  });
});
