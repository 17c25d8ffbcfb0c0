import { describe, expect, it } from 'vitest';
import { ContainerCache, type CacheChange } from '../../src/engine/container-cache.js';
import type { CachedContainer } from '../../src/engine/types.js';

function container(id: string, name: string, state = 'running'): CachedContainer {
  return {
    id,
    name,
    state,
    createdMs: 0,
    summary: {
      Id: id,
      Names: [`/${name}`],
      Image: 'i',
      ImageID: 'x',
      Command: '',
      Created: 0,
      Ports: [],
      Labels: {},
      State: state,
      Status: '',
    },
    detail: {
      Name: `/${name}`,
      Created: '',
      Image: 'x',
      State: {},
      Config: {},
      HostConfig: {},
      NetworkSettings: {},
      ExecIDs: null,
    },
  };
}

describe('container cache ordering', () => {
  it('never lets a late answer overwrite a newer one', () => {
    const cache = new ContainerCache();
    const older = cache.nextSeq();
    const newer = cache.nextSeq();
    expect(cache.apply(container('a', 'new', 'exited'), newer)).toBe(true);
    expect(cache.apply(container('a', 'old', 'running'), older)).toBe(false);
    expect(cache.get('a')?.name).toBe('new');
  });

  it('does not resurrect a removed container from an answer started before the removal', () => {
    const cache = new ContainerCache();
    const fetchStarted = cache.nextSeq();
    cache.remove('a', cache.nextSeq());
    expect(cache.apply(container('a', 'ghost'), fetchStarted)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('reports every change to its observer', () => {
    const changes: CacheChange['kind'][] = [];
    const cache = new ContainerCache((c) => changes.push(c.kind));
    cache.apply(container('a', 'x'), cache.nextSeq());
    cache.apply(container('a', 'y'), cache.nextSeq());
    cache.remove('a', cache.nextSeq());
    expect(changes).toEqual(['upsert', 'upsert', 'remove']);
  });
});
