import { describe, expect, it } from 'vitest';
import { splitHostPort } from '../../src/config/host-port.js';

describe('splitHostPort', () => {
  it('splits host:port and [v6]:port', () => {
    expect(splitHostPort('198.18.0.1:2375')).toEqual({ host: '198.18.0.1', port: '2375' });
    expect(splitHostPort('[::1]:2375')).toEqual({ host: '::1', port: '2375' });
  });

  it("fails with Go's texts", () => {
    expect(() => splitHostPort('nope')).toThrow('address nope: missing port in address');
    expect(() => splitHostPort('[::1')).toThrow("address [::1: missing ']' in address");
    expect(() => splitHostPort('::1:2')).toThrow('address ::1:2: too many colons in address');
  });
});
