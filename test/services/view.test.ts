// What the API answers from the model: service ls counts, task and container names and labels, the task
// filters, and insertDefaults against the engine's own output (samples captured from Docker 20.10).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FilterArgs } from '../../src/docker/filters.js';
import type { Service } from '../../src/services/types.js';
import {
  insertDefaults,
  serviceStatus,
  taskContainerLabels,
  taskContainerName,
  taskFilter,
  taskName,
} from '../../src/services/view.js';
import { CLUSTER, node, service, task } from './fixtures.js';

const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./samples/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('service status', () => {
  it('counts running tasks (not on nodes that are down) against Replicas', () => {
    const s = service('s', { replicas: 3 });
    const tasks = [
      task('a', s, { slot: 1, node: 'n1' }),
      task('b', s, { slot: 2, node: 'n2' }),
      task('c', s, { slot: 2, node: 'n1', state: 'shutdown', desired: 'shutdown' }),
      task('d', s, { slot: 3, state: 'pending' }),
      task('e', service('other'), { slot: 1, node: 'n1' }),
    ];
    const nodes = [node('n1'), node('n2', { state: 'down' })];
    expect(serviceStatus(s, tasks, nodes)).toEqual({ RunningTasks: 1, DesiredTasks: 3, CompletedTasks: 0 });
  });

  it('a global service desires its tasks that are desired running', () => {
    const g = service('g', { global: true });
    const tasks = [
      task('a', g, { node: 'n1' }),
      task('b', g, { node: 'n2', state: 'assigned' }),
      task('c', g, { node: 'n2', state: 'failed', desired: 'shutdown' }),
    ];
    expect(serviceStatus(g, tasks, [node('n1'), node('n2')])).toEqual({
      RunningTasks: 1,
      DesiredTasks: 2,
      CompletedTasks: 0,
    });
  });
});

describe('task names and container labels', () => {
  it('match what the engine gives a task container', () => {
    const entry = (
      sample('container-of-swarm-task-list-entry') as unknown as { Labels: Record<string, string> }[]
    )[0];
    const labels = entry?.Labels ?? {};
    const s: Service = { ...service('49jz4y6twkn6ivb3lb5aje1tn', { name: 'samp', replicas: 2 }) };
    const t = task('wfz6kotke0e1mp6v8gyf3a71q', s, { slot: 2, node: 'fw7whoi8xnel1o7n9kpuwkofx' });
    expect(taskName(s, t)).toBe('samp.2.wfz6kotke0e1mp6v8gyf3a71q');
    expect(taskContainerName(s, t)).toBe(labels['com.docker.swarm.task.name']);
    expect(taskContainerLabels(s, t, CLUSTER)).toEqual({
      ...labels,
      'com.example': 'x', // the spec's ContainerSpec.Labels
      'com.docker.shoal.cluster.id': CLUSTER,
    });
  });

  it('a global task is named by its node', () => {
    const g = service('g', { global: true, name: 'agent' });
    expect(taskName(g, task('t1', g, { node: 'node7' }))).toBe('agent.node7.t1');
  });
});

describe('insertDefaults', () => {
  it('turns the stored spec into what the engine answers with insertDefaults=true, byte for byte', () => {
    const stored = sample('service-1-just-created')['Spec'] as Record<string, unknown>;
    const withDefaults = sample('service-2-running-insertDefaults')['Spec'];
    const before = JSON.stringify(stored);
    expect(JSON.stringify(insertDefaults(stored))).toBe(JSON.stringify(withDefaults));
    expect(JSON.stringify(stored)).toBe(before);
  });

  it('fills only what is missing: a partial restart policy and update config keep their values', () => {
    const spec = {
      Name: 'x',
      TaskTemplate: { ContainerSpec: { Image: 'i' }, RestartPolicy: { Condition: 'none' } },
      UpdateConfig: { Parallelism: 2, Delay: 1e9 },
    };
    expect(insertDefaults(spec)).toEqual({
      Name: 'x',
      TaskTemplate: {
        ContainerSpec: { Image: 'i', StopGracePeriod: 1e10, DNSConfig: {} },
        Resources: {},
        RestartPolicy: { Condition: 'none', Delay: 5e9, MaxAttempts: 0 },
        Placement: {},
      },
      UpdateConfig: {
        Parallelism: 2,
        Delay: 1e9,
        FailureAction: 'pause',
        Monitor: 5e9,
        MaxFailureRatio: 0,
        Order: 'stop-first',
      },
      RollbackConfig: {
        Parallelism: 1,
        FailureAction: 'pause',
        Monitor: 5e9,
        MaxFailureRatio: 0,
        Order: 'stop-first',
      },
    });
  });
});

describe('task filters', () => {
  const web = {
    ...service('svc-web-1', { name: 'web', labels: { 'com.docker.stack.namespace': 'st' } }),
    SpecVersion: 2,
  };
  const db = service('svc-db-1', { name: 'db' });
  // aa2 was made from an older image: out of date.
  const older = { ...web, Spec: { ...web.Spec, TaskTemplate: { ContainerSpec: { Image: 'busybox:old' } } } };
  const tasks = [
    task('aa1', web, { slot: 1, node: 'node-a', specVersion: 2 }),
    task('aa2', older, { slot: 1, node: 'node-b', specVersion: 1, desired: 'shutdown', state: 'shutdown' }),
    task('bb1', db, { slot: 1, node: 'node-b' }),
  ];
  const ctx = {
    service: (id: string) => [web, db].find((s) => s.ID === id),
    nodeName: (id: string) => ({ 'node-a': 'vm-a', 'node-b': 'vm-b' })[id],
  };
  const ids = (filters: string) => tasks.filter(taskFilter(FilterArgs.parse(filters), ctx)).map((t) => t.ID);

  it('service by ID, name or ID prefix; _up-to-date as the CLI sends it', () => {
    expect(ids('{"service":{"web":true}}')).toEqual(['aa1', 'aa2']);
    expect(ids('{"service":{"svc-db":true}}')).toEqual(['bb1']);
    expect(ids('{"_up-to-date":{"true":true},"service":{"svc-web-1":true}}')).toEqual(['aa1']);
  });

  it('desired-state, node (ID or hostname), label (the service labels), name and id prefixes', () => {
    expect(ids('{"desired-state":{"running":true}}')).toEqual(['aa1', 'bb1']);
    expect(ids('{"desired-state":["Shutdown"]}')).toEqual(['aa2']);
    expect(ids('{"node":{"vm-b":true}}')).toEqual(['aa2', 'bb1']);
    expect(ids('{"node":{"node-a":true}}')).toEqual(['aa1']);
    expect(ids('{"label":{"com.docker.stack.namespace=st":true}}')).toEqual(['aa1', 'aa2']);
    expect(ids('{"name":{"web.1":true}}')).toEqual(['aa1', 'aa2']);
    expect(ids('{"id":{"bb":true}}')).toEqual(['bb1']);
    expect(ids('{"runtime":{"container":true}}')).toHaveLength(3);
  });

  it('rejects an unknown filter or desired state as Docker does', () => {
    expect(() => ids('{"colour":{"red":true}}')).toThrow("Invalid filter 'colour'");
    expect(() => ids('{"desired-state":{"asleep":true}}')).toThrow("Invalid desired-state filter: 'asleep'");
  });
});
