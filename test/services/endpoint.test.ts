// Published ports: the spec read with the engine's defaults, SwarmKit's checks and conflict texts, the
// dynamic range, what a task's container binds, PortStatus, Endpoint as the engine shows it, and the
// ingress table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { taskContainerBody } from '../../src/services/container-body.js';
import {
  allocatePorts,
  containerPorts,
  endpointProblem,
  portsChanged,
  portStatus,
  specPorts,
  type Allocation,
} from '../../src/services/endpoint.js';
import { ingressRoutes, type TaskPorts } from '../../src/services/ingress-routes.js';
import type { PortConfig, Service } from '../../src/services/types.js';
import { serviceObject, taskObject } from '../../src/services/view.js';
import { service, task } from './fixtures.js';

const tcp = (published: number, target = 80, mode: 'ingress' | 'host' = 'ingress'): PortConfig => ({
  Protocol: 'tcp',
  TargetPort: target,
  PublishedPort: published,
  PublishMode: mode,
});

function publishing(id: string, ports: unknown[], allocated?: PortConfig[]): Service {
  const s = service(id, { name: `svc-${id}` });
  return {
    ...s,
    Spec: { ...s.Spec, EndpointSpec: { Mode: 'vip', Ports: ports } },
    ...(allocated ? { Endpoint: { Ports: allocated } } : {}),
  };
}

const ports = (a: Allocation): PortConfig[] => {
  if ('error' in a) throw new Error(a.error);
  return a.ports;
};

describe('the spec', () => {
  it('reads ports with the engine defaults (tcp, ingress) and a Name only when given', () => {
    const s = publishing('a', [
      { TargetPort: 80, PublishedPort: 8080 },
      { Protocol: 'UDP', TargetPort: 53, PublishMode: 'host', Name: 'dns' },
      'junk',
    ]);
    expect(specPorts(s.Spec)).toEqual([
      tcp(8080),
      { Name: 'dns', Protocol: 'udp', TargetPort: 53, PublishedPort: 0, PublishMode: 'host' },
    ]);
  });

  it("refuses what SwarmKit's validateEndpointSpec refuses, and sctp in ingress mode", () => {
    const spec = (mode: string, p: unknown[]) => ({ Name: 'x', EndpointSpec: { Mode: mode, Ports: p } });
    expect(endpointProblem(spec('dnsrr', [tcp(8080)]))).toBe(
      "EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
    );
    expect(endpointProblem(spec('dnsrr', [tcp(8080, 80, 'host')]))).toBeUndefined();
    expect(endpointProblem(spec('vip', [tcp(8080), tcp(8080, 81)]))).toBe(
      'EndpointSpec: duplicate published ports provided',
    );
    expect(endpointProblem(spec('vip', [tcp(8080), { ...tcp(8080), Protocol: 'udp' }]))).toBeUndefined();
    expect(endpointProblem(spec('vip', [tcp(0), tcp(0, 81)]))).toBeUndefined();
    expect(endpointProblem(spec('vip', [{ ...tcp(9), Protocol: 'sctp' }]))).toMatch(/not sctp/);
  });
});

describe('allocation', () => {
  it('keeps published ports and picks the lowest free port of 30000–32767 for 0', () => {
    const other = publishing('o', [tcp(30000)], [tcp(30000), tcp(30001, 81)]);
    const got = ports(allocatePorts(publishing('n', [tcp(8080), tcp(0, 81), tcp(0, 82)]).Spec, [], [other]));
    expect(got).toEqual([tcp(8080), tcp(30002, 81), tcp(30003, 82)]);
  });

  it('a host-mode 0 stays 0 (the engine picks one per task)', () => {
    expect(ports(allocatePorts(publishing('n', [tcp(0, 80, 'host')]).Spec, [], []))).toEqual([
      tcp(0, 80, 'host'),
    ]);
  });

  it('an update keeps the port it picked before (sticky), unless another service took it', () => {
    const spec = publishing('n', [tcp(0)]).Spec;
    expect(ports(allocatePorts(spec, [tcp(31000)], []))).toEqual([tcp(31000)]);
    const other = publishing('o', [tcp(31000)]);
    expect(ports(allocatePorts(spec, [tcp(31000)], [other]))).toEqual([tcp(30000)]);
  });

  it("refuses a port another service publishes, with SwarmKit's texts", () => {
    const web = publishing('id1', [tcp(8080)], [tcp(8080)]);
    const hosty = publishing('id2', [tcp(9090, 80, 'host')], [tcp(9090, 80, 'host')]);
    const picked = publishing('id3', [tcp(0)], [tcp(30000)]);
    const err = (p: PortConfig) => {
      const a = allocatePorts(publishing('n', [p]).Spec, [], [web, hosty, picked]);
      return 'error' in a ? a.error : undefined;
    };
    expect(err(tcp(8080))).toBe(
      "port '8080' is already in use by service 'svc-id1' (id1) as an ingress port",
    );
    expect(err(tcp(8080, 80, 'host'))).toBe(
      "port '8080' is already in use by service 'svc-id1' (id1) as an ingress port",
    );
    expect(err(tcp(9090))).toBe(
      "port '9090' is already in use by service 'svc-id2' (id2) as a host-published port",
    );
    expect(err(tcp(30000))).toBe(
      "port '30000' is already in use by service 'svc-id3' (id3) as an ingress port",
    );
    // Two services may share a host-mode port (the scheduler keeps their tasks apart), and protocols differ.
    expect(err(tcp(9090, 80, 'host'))).toBeUndefined();
    expect(err({ ...tcp(8080), Protocol: 'udp' })).toBeUndefined();
  });

  it('ports the task containers bind differently make the tasks out of date; a scale or a moved ingress port do not', () => {
    const s = publishing('a', [tcp(8080)]);
    const scaled = { ...s.Spec, Mode: { Replicated: { Replicas: 5 } } };
    expect(portsChanged(s.Spec, scaled)).toBe(false);
    // dirty.ts takes a task out of date on these (the rolling updater then replaces it).
    const moved = { ...s.Spec, EndpointSpec: { Ports: [tcp(8081)] } };
    expect(portsChanged(s.Spec, moved)).toBe(false);
    const retargeted = { ...s.Spec, EndpointSpec: { Ports: [tcp(8080, 81)] } };
    expect(portsChanged(s.Spec, retargeted)).toBe(true);
    const hosted = { ...s.Spec, EndpointSpec: { Ports: [tcp(8080, 80, 'host')] } };
    expect(portsChanged(s.Spec, hosted)).toBe(true);
  });
});

describe('what the API and the engines see', () => {
  it('Endpoint is the spec and the allocated ports, as the engine answers (samples)', () => {
    const sample = JSON.parse(
      readFileSync(new URL('./samples/service-1-just-created.json', import.meta.url), 'utf8'),
    ) as { Spec: Record<string, unknown>; Endpoint: Record<string, unknown> };
    const s: Service = { ...service('x'), Spec: sample.Spec };
    const allocated = ports(allocatePorts(s.Spec, [], []));
    const out = serviceObject({ ...s, Endpoint: { Ports: allocated } });
    const { VirtualIPs: _vips, ...rest } = sample.Endpoint;
    expect(JSON.stringify(out['Endpoint'])).toBe(JSON.stringify(rest));
    expect(serviceObject(service('y'))['Endpoint']).toEqual({ Spec: {} });
    // A record from before ports were allocated: its spec's published ports.
    const legacy = publishing('z', [tcp(8080), tcp(0, 81)]);
    expect(serviceObject(legacy)['Endpoint']).toEqual({
      Spec: legacy.Spec['EndpointSpec'],
      Ports: [tcp(8080)],
    });
  });

  it('a task container binds host ports as published and ingress ones on a port the engine picks', () => {
    const body = taskContainerBody({ ContainerSpec: { Image: 'busybox' } }, {}, [
      tcp(8080, 80, 'host'),
      tcp(0, 81, 'host'),
      tcp(18080, 80),
      { ...tcp(30000, 53), Protocol: 'udp' },
    ]);
    expect(body['ExposedPorts']).toEqual({ '80/tcp': {}, '81/tcp': {}, '53/udp': {} });
    expect((body['HostConfig'] as Record<string, unknown>)['PortBindings']).toEqual({
      '80/tcp': [
        { HostIp: '', HostPort: '8080' },
        { HostIp: '', HostPort: '' },
      ],
      '81/tcp': [{ HostIp: '', HostPort: '' }],
      '53/udp': [{ HostIp: '', HostPort: '' }],
    });
    expect(containerPorts([])).toEqual({ ExposedPorts: {}, PortBindings: {} });
  });

  it('PortStatus shows the host-mode ports as bound (IPv4 and IPv6 entries once), never the ingress ones', () => {
    const bound = {
      '80/tcp': [
        { HostIp: '0.0.0.0', HostPort: '8080' },
        { HostIp: '::', HostPort: '8080' },
        { HostIp: '0.0.0.0', HostPort: '32771' },
      ],
      '81/tcp': [{ HostIp: '0.0.0.0', HostPort: '32772' }],
    };
    const cfg = [tcp(8080, 80, 'host'), tcp(0, 81, 'host'), tcp(18080, 80)];
    expect(portStatus(cfg, bound)).toEqual({ Ports: [tcp(8080, 80, 'host'), tcp(32772, 81, 'host')] });
    expect(portStatus(cfg, {})).toEqual({});
    expect(portStatus([tcp(18080, 80)], bound)).toEqual({});
    const t = task('t1', service('s'));
    expect((taskObject(t)['Status'] as Record<string, unknown>)['PortStatus']).toEqual({});
  });
});

describe('the ingress table', () => {
  const web = publishing('web', [tcp(18080), { ...tcp(18053, 53), Protocol: 'udp' }]);
  const withPorts: Service = { ...web, Endpoint: { Ports: specPorts(web.Spec) } };
  const taskOn = (id: string, host: string, serving = true, serviceId = 'web'): TaskPorts => ({
    containerId: id,
    serviceId,
    host,
    serving,
    bound: {
      '80/tcp': [{ HostIp: '0.0.0.0', HostPort: `3${id.length}00` }],
      '53/udp': [{ HostIp: '0.0.0.0', HostPort: '31053' }],
    },
  });

  it("lists each ingress port with the serving tasks' engine ports, in container order", () => {
    const routes = ingressRoutes(
      [withPorts],
      [taskOn('cc', '198.18.1.12'), taskOn('a', '198.18.1.10'), taskOn('b', '198.18.1.11', false)],
    );
    expect(routes).toEqual([
      {
        protocol: 'tcp',
        port: 18080,
        service: 'svc-web',
        backends: [
          { id: 'a', host: '198.18.1.10', port: 3100 },
          { id: 'cc', host: '198.18.1.12', port: 3200 },
        ],
      },
      {
        protocol: 'udp',
        port: 18053,
        service: 'svc-web',
        backends: [
          { id: 'a', host: '198.18.1.10', port: 31053 },
          { id: 'cc', host: '198.18.1.12', port: 31053 },
        ],
      },
    ]);
  });

  it('a service without tasks still has its ports (connections are refused); others are not mixed in', () => {
    const routes = ingressRoutes([withPorts], [taskOn('x', 'h', true, 'other')]);
    expect(routes.map((r) => r.backends)).toEqual([[], []]);
    expect(ingressRoutes([publishing('h', [tcp(8080, 80, 'host')], [tcp(8080, 80, 'host')])], [])).toEqual(
      [],
    );
  });

  it('a task whose container has not bound the port yet is left out', () => {
    const t = { ...taskOn('a', 'h'), bound: {} };
    expect(ingressRoutes([withPorts], [t])[0]?.backends).toEqual([]);
  });
});
