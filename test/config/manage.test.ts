import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseListenAddr } from '../../src/config/listen.js';
import { DEFAULT_FILTERS, dnsWorkers, parseManageArgs } from '../../src/config/manage.js';

const parse = (...args: string[]) => parseManageArgs(args, {});

describe('shoal manage flags', () => {
  it('has classic defaults', () => {
    const c = parse('nodes://a:1');
    expect(c.hosts).toEqual([{ proto: 'tcp', address: '127.0.0.1:2375' }]);
    expect(c.strategy).toBe('spread');
    expect(c.filters).toEqual(DEFAULT_FILTERS);
    expect(c.heartbeatMs).toBe(60_000);
    expect(c.refreshMinMs).toBe(30_000);
    expect(c.refreshMaxMs).toBe(60_000);
    expect(c.failureRetry).toBe(3);
    expect(c.overcommit).toBe(0.05);
    expect(c.createRetry).toBe(0);
    expect(c.logLevel).toBe('info');
  });

  it('reads repeated -H, --filter replacing the defaults in the user order, and flags after the discovery', () => {
    const c = parse(
      '-H',
      'tcp://0.0.0.0:4000',
      '--insecure-listen',
      '-H',
      'unix:///tmp/s.sock',
      'a:1,b:2',
      '-f',
      'constraint',
      '--filter=health',
      '--strategy',
      'binpack',
    );
    expect(c.hosts).toEqual([
      { proto: 'tcp', address: '0.0.0.0:4000' },
      { proto: 'unix', address: '/tmp/s.sock' },
    ]);
    expect(c.filters).toEqual(['constraint', 'health']);
    expect(c.strategy).toBe('binpack');
    expect(c.discovery).toBe('a:1,b:2');
  });

  it.each([
    [['--engine-refresh-min-interval', '0s', 'x:1'], 'min refresh interval should be a positive number'],
    [['--engine-refresh-min-interval', 'bogus', 'x:1'], 'min refresh interval should be a positive number'],
    [
      ['--engine-refresh-min-interval', '10s', '--engine-refresh-max-interval', '5s', 'x:1'],
      'max refresh interval cannot be less than min refresh interval',
    ],
    [['--engine-failure-retry', '0', 'x:1'], 'invalid failure retry count'],
    [
      ['--engine-failure-retry', 'abc', 'x:1'],
      'invalid value "abc" for flag -engine-failure-retry: parse error',
    ],
    [
      ['--engine-refresh-retry', '5', 'x:1'],
      '--engine-refresh-retry is deprecated. Use --engine-failure-retry',
    ],
    [['--heartbeat', '500ms', 'x:1'], '--heartbeat should be at least one second'],
    [['--heartbeat', 'x', 'x:1'], 'invalid --heartbeat: time: invalid duration "x"'],
    [[], "discovery required to manage a cluster. See 'shoal manage --help'."],
    [
      ['--cluster-opt', 'swarm.overcommit=-2', 'x:1'],
      'swarm.overcommit should be larger than -1, -2.000000 is invalid',
    ],
    [
      ['--cluster-opt', 'swarm.createretry=-1', 'x:1'],
      'swarm.createretry can not be negative, -1 is invalid',
    ],
    [['--cluster-opt', 'nokey', 'x:1'], '--cluster-opt must contain key=value strings'],
    [['--discovery-opt', 'nokey', 'x:1'], '--discovery-opt must contain key=value strings'],
    [['-H', 'udp://x:1', 'x:1'], 'unsupported protocol: "udp"'],
    [['--cluster-driver', 'mesos-experimental', 'x:1'], 'unsupported cluster "mesos-experimental"'],
    [['-l', 'loud', 'x:1'], 'not a valid logrus Level: "loud"'],
    [['--bogus', 'x:1'], 'flag provided but not defined: -bogus'],
    [['--strategy'], 'flag needs an argument: -strategy'],
  ])('refuses %j with classic text', (args, message) => {
    expect(() => parse(...args)).toThrow(message);
  });

  it('takes the discovery from SWARM_DISCOVERY and hosts from SWARM_HOST', () => {
    const c = parseManageArgs([], { SWARM_DISCOVERY: 'file:///tmp/x', SWARM_HOST: 'tcp://127.0.0.1:9999' });
    expect(c.discovery).toBe('file:///tmp/x');
    expect(c.hosts[0]?.address).toBe('127.0.0.1:9999');
  });

  it('--debug means debug logging unless a level is given', () => {
    expect(parse('--debug', 'x:1').logLevel).toBe('debug');
    expect(parse('--debug', '-l', 'warn', 'x:1').logLevel).toBe('warn');
  });

  it('reads a YAML config file, and the command line wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-cfg-'));
    const file = join(dir, 'shoal.yaml');
    writeFileSync(
      file,
      'discovery: nodes://h:1\nstrategy: random\nheartbeat: 5s\nfilter: [health]\ncluster-opt:\n  swarm.overcommit: 0.5\nhost:\n  - tcp://127.0.0.1:7000\n',
    );
    const c = parse('--config', file, '--strategy', 'binpack');
    expect(c.discovery).toBe('nodes://h:1');
    expect(c.strategy).toBe('binpack');
    expect(c.heartbeatMs).toBe(5000);
    expect(c.filters).toEqual(['health']);
    expect(c.overcommit).toBe(0.5);
    expect(c.hosts[0]?.address).toBe('127.0.0.1:7000');
    writeFileSync(file, 'nonsense: 1\n');
    expect(() => parse('--config', file)).toThrow('unknown setting "nonsense"');
    writeFileSync(file, 'heartbeat: [1, 2]\n');
    expect(() => parse('--config', file)).toThrow('invalid value for heartbeat');
  });

  it('--metrics-listen takes [host]:port, loopback when the host is left out', () => {
    expect(parse('n:1').metricsListen).toBeUndefined();
    expect(parse('--metrics-listen', ':9323', 'n:1').metricsListen).toEqual({
      host: '127.0.0.1',
      port: 9323,
    });
    expect(parse('--metrics-listen', '198.18.0.1:0', 'n:1').metricsListen).toEqual({
      host: '198.18.0.1',
      port: 0,
    });
    expect(parse('--metrics-listen', '[::1]:9323', 'n:1').metricsListen).toEqual({ host: '::1', port: 9323 });
    for (const bad of ['9323', 'h:', 'h:99999', 'h:x'])
      expect(() => parse('--metrics-listen', bad, 'n:1')).toThrow(`invalid --metrics-listen "${bad}"`);
  });

  it('parses listen addresses', () => {
    expect(parseListenAddr('127.0.0.1:1')).toEqual({ proto: 'tcp', address: '127.0.0.1:1' });
    expect(parseListenAddr(':2375')).toEqual({ proto: 'tcp', address: '0.0.0.0:2375' });
    expect(() => parseListenAddr('tcp://nohost')).toThrow('invalid listen address');
  });

  it('serves ingress ports where the API listens first, unless told (off: none)', () => {
    expect(parse('nodes://a:1').ingress).toEqual({ host: '127.0.0.1' });
    expect(
      parse('-H', 'unix:///s', '-H', 'tcp://0.0.0.0:2375', '--insecure-listen', 'nodes://a:1').ingress,
    ).toEqual({
      host: '0.0.0.0',
    });
    expect(parse('-H', 'unix:///s', 'nodes://a:1').ingress).toEqual({ host: '0.0.0.0' });
    expect(parse('-H', 'tcp://[::1]:2375', 'nodes://a:1').ingress).toEqual({ host: '::1' });
    expect(parse('--ingress-listen', '198.18.0.1', 'nodes://a:1').ingress).toEqual({ host: '198.18.0.1' });
    expect(parse('--ingress-listen', 'off', 'nodes://a:1').ingress).toBeUndefined();
    expect(() => parse('--ingress-listen', 'a b', 'nodes://a:1')).toThrow('invalid --ingress-listen');
  });

  it('reads the DNS flags: workers auto is one per core beyond the first (up to 4), 0 on one core', () => {
    const c = parse('--dns-listen', '198.18.0.53', '--dns-workers', '3', 'nodes://a:1');
    expect(c.dns).toMatchObject({
      listen: [{ host: '198.18.0.53', port: 53 }],
      ttlSeconds: 2,
      answers: 0,
      workers: 3,
    });
    expect(parse('--dns-listen', '198.18.0.53', 'nodes://a:1').dns?.workers).toBe(dnsWorkers('auto'));
    expect([1, 2, 3, 8].map((cores) => dnsWorkers('auto', cores))).toEqual([0, 1, 2, 4]);
    expect(dnsWorkers('0')).toBe(0);
    for (const bad of ['-1', 'x', '17', '1.5', ''])
      expect(() => dnsWorkers(bad)).toThrow(
        /invalid --dns-workers .*: expected a count from 0 to 16, or auto/,
      );
  });
});
