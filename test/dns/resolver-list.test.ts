// The resolvers a container is given with several managers: its own manager's first, one of every manager
// before any second address, at most three (what Docker and glibc use).
import { describe, expect, it } from 'vitest';
import { MAX_RESOLVERS, resolverList } from '../../src/dns/resolver-list.js';

describe('the resolver list', () => {
  it('is this manager’s addresses alone without others', () => {
    expect(resolverList(['198.18.211.53'], [])).toEqual(['198.18.211.53']);
    expect(resolverList([], [])).toEqual([]);
  });

  it('puts this manager first, then one address of each other manager in the order given', () => {
    expect(resolverList(['198.18.211.53'], [['198.18.211.54']])).toEqual(['198.18.211.53', '198.18.211.54']);
    expect(resolverList(['a1', 'a2'], [['b1', 'b2'], ['c1']])).toEqual(['a1', 'b1', 'c1']);
    expect(resolverList(['a1', 'a2'], [['b1']])).toEqual(['a1', 'b1', 'a2']);
  });

  it('stops at three, leaves out repeats and managers without DNS', () => {
    const list = resolverList(['a'], [['b'], [], ['c'], ['d'], ['a']]);
    expect(list).toEqual(['a', 'b', 'c']);
    expect(list).toHaveLength(MAX_RESOLVERS);
    expect(resolverList(['a'], [['a'], ['b']])).toEqual(['a', 'b']);
  });
});
