// `shoal join` / `shoal list` / `manage --replication` flags: classic's defaults, checks and texts.
import { describe, expect, it } from 'vitest';
import { parseJoinArgs, parseListArgs } from '../../src/config/join.js';
import { parseManageArgs } from '../../src/config/manage.js';

const D = 'consul://127.0.0.1:8500/p';

describe('join flags', () => {
  it('has classic defaults', () => {
    expect(parseJoinArgs(['--advertise', '198.18.0.10:2375', D], {})).toEqual({
      advertise: '198.18.0.10:2375',
      heartbeatMs: 60_000,
      ttlMs: 180_000,
      delayMs: 0,
      discovery: D,
      discoveryOpts: {},
    });
    expect(parseJoinArgs([D], { SWARM_ADVERTISE: 'h:1' }).advertise).toBe('h:1');
  });

  it.each([
    [[D], 'missing mandatory --advertise flag'],
    [['--advertise', 'h', D], '--advertise should be of the form ip:port or hostname:port'],
    [['--advertise', 'h:0', D], '--advertise should be of the form ip:port or hostname:port'],
    [['--advertise', 'h:65536', D], '--advertise should be of the form ip:port or hostname:port'],
    [['--advertise', 'h:1', '--heartbeat', 'x', D], 'invalid --heartbeat: '],
    [['--advertise', 'h:1', '--heartbeat', '500ms', D], '--heartbeat should be at least one second'],
    [['--advertise', 'h:1', '--ttl', '60s', D], '--ttl must be strictly superior to the heartbeat value'],
    [['--advertise', 'h:1', '--ttl', 'x', D], 'invalid --ttl: '],
    [['--advertise', 'h:1', '--delay', '-1s', D], '--delay should not be a negative number'],
    [['--advertise', 'h:1', '--discovery-opt', 'kv', D], '--discovery-opt must contain key=value strings'],
    [['--advertise', 'h:1'], "discovery required to join. See 'shoal join --help'."],
  ])('%j → %s', (argv, text) => {
    expect(() => parseJoinArgs(argv, {})).toThrow(text);
  });
});

describe('list flags', () => {
  it('--timeout defaults to 10s and must be positive', () => {
    expect(parseListArgs([D], {}).timeoutMs).toBe(10_000);
    expect(() => parseListArgs(['--timeout', '0s', D], {})).toThrow('--timeout should be a positive number');
  });
});

describe('manage --replication', () => {
  it('needs consul discovery and an advertised host:port; TTL defaults to 20s', () => {
    expect(parseManageArgs(['--replication', '--advertise', '127.0.0.1:3375', D], {}).replication).toEqual({
      advertise: '127.0.0.1:3375',
      ttlMs: 20_000,
    });
    expect(parseManageArgs([D], {}).replication).toBeUndefined();
    expect(() => parseManageArgs(['--replication', '--advertise', 'h:1', 'h:2375'], {})).toThrow(
      'Leader election is only supported with consul discovery.',
    );
    expect(() => parseManageArgs(['--replication', D], {})).toThrow(
      '--advertise address must be provided when using --leader-election',
    );
    expect(() => parseManageArgs(['--replication', '--advertise', 'nope', D], {})).toThrow(
      '--advertise should be of the form ip:port or hostname:port',
    );
    expect(() =>
      parseManageArgs(['--replication', '--replication-ttl', '0s', '--advertise', 'h:1', D], {}),
    ).toThrow('--replication-ttl should be a positive number');
  });
});
