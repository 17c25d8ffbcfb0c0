// Classic's expression grammar: every example of its documentation and tests, and its error texts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchExpr, parseExpr } from '../../src/scheduler/expr.js';

describe('parsing', () => {
  it.each([
    ['node==node1', { key: 'node', op: '==', value: 'node1', soft: false }],
    ['region!=us*', { key: 'region', op: '!=', value: 'us*', soft: false }],
    ['node==/node[12]/', { key: 'node', op: '==', value: '/node[12]/', soft: false }],
    ['node!=/node-[01]/', { key: 'node', op: '!=', value: '/node-[01]/', soft: false }],
    ['node==/(?i)node1/', { key: 'node', op: '==', value: '/(?i)node1/', soft: false }],
    ['image==~redis', { key: 'image', op: '==', value: 'redis', soft: true }],
    ['container!=~redis*', { key: 'container', op: '!=', value: 'redis*', soft: true }],
    ['Storage==SSD', { key: 'storage', op: '==', value: 'SSD', soft: false }],
    ['_node==_node1', { key: '_node', op: '==', value: '_node1', soft: false }],
    ['node==*node*', { key: 'node', op: '==', value: '*node*', soft: false }],
    ['node==/(?i)^[a-b]+c*(n|b)$/', { key: 'node', op: '==', value: '/(?i)^[a-b]+c*(n|b)$/', soft: false }],
    ['node==node 1', { key: 'node', op: '==', value: 'node 1', soft: false }],
    ['com.example.tier==front', { key: 'com.example.tier', op: '==', value: 'front', soft: false }],
    ['node===x', { key: 'node', op: '==', value: '=x', soft: false }],
  ])('%s', (text, want) => {
    expect(parseExpr(text)).toEqual(want);
  });

  it.each([
    ['1node==a', "Key '1node' is invalid"],
    ['node ==node1', "Key 'node ' is invalid"],
    ['no*de==node1', "Key 'no*de' is invalid"],
    ['n==a', "Key 'n' is invalid"],
    ['node==', "Value '' is invalid"],
    ['node==a,b', "Value 'a,b' is invalid"],
    ['node==a@b', "Value 'a@b' is invalid"],
    ['node==a{b}', "Value 'a{b}' is invalid"],
    ['node=a', 'One of operator ==, != is expected'],
    ['nodea', 'One of operator ==, != is expected'],
  ])('refuses %s: %s', (text, message) => {
    expect(() => parseExpr(text)).toThrow(message);
  });

  it('tries == before != (classic order)', () => {
    expect(() => parseExpr('node!=a==b')).toThrow("Key 'node!=a' is invalid");
  });
});

describe('matching', () => {
  const e = (t: string) => parseExpr(t);
  it('matches globs anchored at both ends, on any value for ==, on none for !=', () => {
    expect(matchExpr(e('kk==foo'), ['foo'])).toBe(true);
    expect(matchExpr(e('kk==foo'), ['bar'])).toBe(false);
    expect(matchExpr(e('kk==foo'), ['foo', 'bar'])).toBe(true);
    expect(matchExpr(e('kk!=foo'), ['foo'])).toBe(false);
    expect(matchExpr(e('kk!=foo'), ['bar'])).toBe(true);
    expect(matchExpr(e('kk!=foo'), ['foo', 'bar'])).toBe(false);
    expect(matchExpr(e('kk==f*o'), ['fuo'])).toBe(true);
    expect(matchExpr(e('kk!=f*o'), ['foo', 'fuo', 'bar'])).toBe(false);
    expect(matchExpr(e('kk==foo'), ['xfoo'])).toBe(false);
    expect(matchExpr(e('kk!=x'), [])).toBe(true);
  });

  it('matches /regex/ unanchored, case-sensitive unless (?i)', () => {
    expect(matchExpr(e('node==/node[12]/'), ['my-node1-x'])).toBe(true);
    expect(matchExpr(e('node==/node[12]/'), ['node3'])).toBe(false);
    expect(matchExpr(e('node==/NODE1/'), ['node1'])).toBe(false);
    expect(matchExpr(e('node==/(?i)NODE1/'), ['node1'])).toBe(true);
  });

  it('!= is the negation of == for every subject list', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9*]{1,6}$/),
        fc.array(fc.stringMatching(/^[a-z0-9]{0,6}$/)),
        (v, subjects) => {
          expect(matchExpr(parseExpr(`kk!=${v}`), subjects)).toBe(
            !matchExpr(parseExpr(`kk==${v}`), subjects),
          );
        },
      ),
    );
  });
});
