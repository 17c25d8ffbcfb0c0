import { describe, expect, it } from 'vitest';
import { entryJson } from '../../src/api/container-json.js';
import { present } from '../../src/api/container-list.js';
import type { Engine } from '../../src/engine/engine.js';
import { toDetail, type CachedContainer } from '../../src/engine/types.js';

const started = '2026-01-01T00:00:00.123456789Z';

function container(labels: Record<string, string>): CachedContainer {
  return {
    id: 'abc',
    name: 'web',
    state: 'running',
    createdMs: 0,
    summary: {
      Id: 'abc',
      Names: ['/web'],
      Image: 'busybox',
      ImageID: 'sha256:1',
      Command: 'sleep 1',
      Created: 1,
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
      Labels: labels,
      State: 'running',
      Status: 'Up 1 second',
      SizeRw: undefined,
      HostConfig: { NetworkMode: 'default' },
      NetworkSettings: { Networks: { bridge: { NetworkID: 'n1', IPAddress: '198.19.0.2' } } },
      Mounts: [],
    },
    detail: toDetail({ Name: '/web', Created: started, State: { Running: true, StartedAt: started } }),
  };
}

const engine = (name: string, healthy = true) =>
  ({ name, ip: '198.18.0.10', isHealthy: healthy }) as unknown as Engine;

describe('entryJson', () => {
  it("is JSON.stringify of classic's entry, Status at the time asked", () => {
    const c = container({ a: '"Status":"x"', 'com.example': 'é\u0000' });
    const e = engine('node-0');
    for (const now of [Date.parse(started) + 1500, Date.parse(started) + 90_000]) {
      expect(entryJson(e, c, now)).toBe(JSON.stringify(present(e, c, now)));
    }
    expect(JSON.parse(entryJson(e, c, Date.parse(started) + 90_000))).toMatchObject({
      Names: ['/node-0/web'],
      Status: 'Up About a minute',
    });
  });

  it('follows a renamed or unreachable engine', () => {
    const c = container({});
    const now = Date.parse(started) + 5000;
    entryJson(engine('node-0'), c, now);
    const down = engine('node-1', false);
    expect(entryJson(down, c, now)).toBe(JSON.stringify(present(down, c, now)));
    expect(JSON.parse(entryJson(down, c, now))).toMatchObject({
      Names: ['/node-1/web'],
      Status: 'Host Down',
    });
  });
});
