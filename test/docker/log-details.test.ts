// The line format of swarm logs: details escaped as Go's url.QueryEscape, sorted, then timestamp and
// details before the message; and the Docker CLI's parse of it gives the same values back.
import { describe, expect, it } from 'vitest';
import {
  formatLogDetails,
  formatLogLine,
  queryEscape,
  taskLogDetails,
} from '../../src/docker/log-details.js';
import { parseCliLine, queryUnescape } from '../support/cli-service-logs.js';

describe('log details', () => {
  it.each([
    ['abc-_.~XYZ09', 'abc-_.~XYZ09'],
    ['a b', 'a+b'],
    ["!'()*", '%21%27%28%29%2A'],
    ['k=v,w/x?y&z%', 'k%3Dv%2Cw%2Fx%3Fy%26z%25'],
    ['é', '%C3%A9'],
  ])('queryEscape(%j) = %s, as Go writes it', (s, escaped) => {
    expect(queryEscape(s)).toBe(escaped);
    expect(queryUnescape(escaped)).toBe(s);
  });

  it('sorts the pairs by key', () => {
    expect(formatLogDetails({ z: '1', a: '2', m: '3' })).toBe('a=2,m=3,z=1');
  });

  it('gives a task its three swarm IDs, in key order', () => {
    expect(taskLogDetails({ nodeId: 'n1', serviceId: 's1', taskId: 't1' })).toBe(
      'com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1',
    );
  });

  it('puts the timestamp, then the details, then the message', () => {
    const line = { timestamp: '2024-01-02T03:04:05.000000000Z', text: Buffer.from('hi there\n') };
    expect(formatLogLine(line, 'a=1').toString()).toBe('2024-01-02T03:04:05.000000000Z a=1 hi there\n');
    expect(formatLogLine({ ...line, timestamp: undefined }, undefined).toString()).toBe('hi there\n');
  });

  it('round-trips odd IDs through the CLI parse', () => {
    const ctx = { nodeId: 'node 1,=x', serviceId: 'svc/é', taskId: 't%1' };
    const payload = formatLogLine(
      { timestamp: 'T', text: Buffer.from('message with spaces\n') },
      taskLogDetails(ctx),
    );
    expect(parseCliLine('stdout', payload, { timestamps: true })).toEqual({
      stream: 'stdout',
      timestamp: 'T',
      ...ctx,
      details: {},
      message: 'message with spaces\n',
    });
  });
});
