// A task's container body from its task template, as swarm mode's executor makes it.
import { expect, it } from 'vitest';
import { taskContainerBody } from '../../src/services/container-body.js';

const labels = { team: 'x', 'com.docker.swarm.task.name': 'web.2.task1' };

it('maps the container spec, resources, DNS, hosts, log driver and networks', () => {
  const body = taskContainerBody(
    {
      ContainerSpec: {
        Image: 'busybox:local',
        Command: ['sh', '-c'],
        Args: ['httpd -f'],
        Env: ['A=1'],
        Dir: '/srv',
        User: 'nobody',
        Labels: { team: 'x' },
        Init: true,
        TTY: true,
        StopGracePeriod: 2_500_000_000,
        DNSConfig: { Nameservers: ['198.18.0.53'], Search: ['lab'] },
        Hosts: ['198.18.0.9 db db.lab'],
        Mounts: [{ Type: 'volume', Source: 'data', Target: '/data' }],
      },
      Resources: {
        Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 << 20 },
        Reservations: { MemoryBytes: 32 << 20 },
      },
      LogDriver: { Name: 'json-file', Options: { 'max-size': '1m' } },
      Networks: [{ Target: 'backend', Aliases: ['api'] }],
    },
    labels,
  );
  expect(body).toMatchObject({
    Image: 'busybox:local',
    Entrypoint: ['sh', '-c'],
    Cmd: ['httpd -f'],
    Env: ['A=1'],
    WorkingDir: '/srv',
    User: 'nobody',
    Tty: true,
    StopTimeout: 3,
    Labels: { team: 'x', 'com.docker.swarm.task.name': 'web.2.task1' },
    HostConfig: {
      Init: true,
      NanoCpus: 500_000_000,
      Memory: 64 << 20,
      MemoryReservation: 32 << 20,
      Dns: ['198.18.0.53'],
      DnsSearch: ['lab'],
      ExtraHosts: ['db:198.18.0.9', 'db.lab:198.18.0.9'],
      Mounts: [{ Type: 'volume', Source: 'data', Target: '/data' }],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
      RestartPolicy: { Name: 'no' },
    },
    NetworkingConfig: { EndpointsConfig: { backend: { Aliases: ['api'] } } },
  });
});

it('leaves out what the spec does not set', () => {
  const body = taskContainerBody({ ContainerSpec: { Image: 'busybox:local', Args: ['sleep', '1'] } }, {});
  expect(Object.keys(body).sort()).toEqual(['Cmd', 'HostConfig', 'Image', 'Labels']);
  expect(body['HostConfig']).toEqual({ RestartPolicy: { Name: 'no' } });
});
