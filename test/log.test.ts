// Log lines: logrus's text format by default, one JSON object each with --log-format json.
import { afterEach, describe, expect, it } from 'vitest';
import { log, setLogFormat, setLogLevel, setLogSink } from '../src/log.js';

afterEach(() => {
  setLogFormat('text');
  setLogLevel('info');
});

describe('log lines', () => {
  it('are logrus text by default and JSON when asked', () => {
    const lines: string[] = [];
    setLogSink((l) => lines.push(l));
    log.warn('engine down', { addr: '198.18.0.10:2375', retry: 2 });
    setLogFormat('json');
    log.warn('engine down', { addr: '198.18.0.10:2375', retry: 2 });
    setLogLevel('debug');
    log.debug('request', { method: 'GET', status: 200, engine: undefined });
    expect(lines[0]).toMatch(
      /^time="[^"]+" level=warning msg="engine down" addr=198\.18\.0\.10:2375 retry=2$/,
    );
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({
      level: 'warning',
      msg: 'engine down',
      addr: '198.18.0.10:2375',
      retry: 2,
    });
    const debug = JSON.parse(lines[2] ?? '') as Record<string, unknown>;
    expect(typeof debug['time']).toBe('string');
    expect({ ...debug, time: 'x' }).toEqual({
      time: 'x',
      level: 'debug',
      msg: 'request',
      method: 'GET',
      status: 200,
    });
  });
});
