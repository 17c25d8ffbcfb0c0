// The Node object built from what an engine says about itself (its /version and /info), and the manager's.
import { expect, it } from 'vitest';
import { nodeIdOf } from '../../src/docker/swarm-id.js';
import type { Engine } from '../../src/engine/engine.js';
import { buildSpecs } from '../../src/engine/specs.js';
import { engineNode, freshRecord, managerNode, managerNodeId } from '../../src/nodes/node-object.js';

const INFO = {
  ID: 'QOB4:52BI:6G3V:JGTL:QPUV:UHTB:MVZO:IAXZ:J7UC:GFBZ:KYPD:OZVJ',
  Name: 'node-1',
  NCPU: 4,
  MemTotal: 8 * 1024 ** 3,
  Labels: ['zone=b', 'storage=ssd'],
  Driver: 'overlay2',
  KernelVersion: '6.1.0',
  OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  OSType: 'linux',
  Architecture: 'x86_64',
  ServerVersion: '20.10.24+dfsg1',
  Plugins: { Volume: ['local'], Network: ['null', 'bridge'], Authorization: null, Log: ['json-file'] },
};

function engine(state: 'healthy' | 'unhealthy' = 'healthy', lastError = ''): Engine {
  const specs = buildSpecs('198.18.0.11:2375', { ApiVersion: '1.41', Version: '20.10.24+dfsg1' }, INFO);
  return {
    id: specs.id,
    name: specs.name,
    addr: '198.18.0.11:2375',
    ip: '198.18.0.11',
    specs,
    state,
    isHealthy: state === 'healthy',
    health: { state, failureCount: 0, lastError },
  } as unknown as Engine;
}

it('an engine is a ready worker described by its own /info: no built-in labels, plugins by type', () => {
  const e = engine();
  const rec = freshRecord(e, '2026-01-02T03:04:05.000Z', 7);
  expect(engineNode(rec, e)).toEqual({
    ID: nodeIdOf(INFO.ID),
    Version: { Index: 7 },
    CreatedAt: '2026-01-02T03:04:05.000Z',
    UpdatedAt: '2026-01-02T03:04:05.000Z',
    Spec: { Labels: {}, Role: 'worker', Availability: 'active' },
    Description: {
      Hostname: 'node-1',
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 4_000_000_000, MemoryBytes: 8 * 1024 ** 3 },
      Engine: {
        EngineVersion: '20.10.24+dfsg1',
        Labels: { zone: 'b', storage: 'ssd' },
        Plugins: [
          { Type: 'Log', Name: 'json-file' },
          { Type: 'Network', Name: 'bridge' },
          { Type: 'Network', Name: 'null' },
          { Type: 'Volume', Name: 'local' },
        ],
      },
    },
    Status: { State: 'ready', Addr: '198.18.0.11' },
  });
});

it('an unhealthy engine is down with why; one that left the pool reads from its record', () => {
  const rec = {
    ...freshRecord(engine(), 'now', 3),
    spec: { Name: 'n1', Labels: { a: 'b' }, Role: 'worker' as const, Availability: 'drain' as const },
  };
  const down = engineNode(rec, engine('unhealthy', 'connection refused'));
  expect(down.Status).toEqual({
    State: 'down',
    Message: 'engine unhealthy: connection refused',
    Addr: '198.18.0.11',
  });
  expect(down.Spec).toEqual({ Name: 'n1', Labels: { a: 'b' }, Role: 'worker', Availability: 'drain' });
  const gone = engineNode(rec, undefined);
  expect(gone.Status).toEqual({
    State: 'down',
    Message: 'engine no longer in the pool (not in discovery)',
    Addr: '198.18.0.11',
  });
  expect(gone.Description.Hostname).toBe('node-1');
});

it('the manager is a drained, reachable leader whose ID follows the cluster and the manager key', () => {
  const m = managerNode('c1', { addr: '198.18.0.5:2375', key: '' }, { createdAt: 't', index: 2 });
  expect(m).toMatchObject({
    ID: managerNodeId('c1', ''),
    Version: { Index: 2 },
    Spec: { Role: 'manager', Availability: 'drain', Labels: {} },
    Status: { State: 'ready', Addr: '198.18.0.5' },
    ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '198.18.0.5:2375' },
  });
  expect(m.Description.Engine.EngineVersion).toMatch(/^swarm\/1\.2\.9\+shoal/);
  expect(managerNodeId('c1', '')).not.toBe(managerNodeId('c2', ''));
  expect(managerNodeId('c1', 'a:1')).not.toBe(managerNodeId('c1', 'b:1'));
});
