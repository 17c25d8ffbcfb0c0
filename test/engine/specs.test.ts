import { describe, expect, it } from 'vitest';
import { buildSpecs } from '../../src/engine/specs.js';

const version = { ApiVersion: '1.41', MinAPIVersion: '1.12', Version: '20.10.24' };
const info = {
  ID: 'AAAA:BBBB',
  Name: 'node-0',
  NCPU: 2,
  MemTotal: 1024,
  Labels: ['storage=ssd', 'zone=a'],
  Driver: 'overlay2',
  KernelVersion: '6.1',
  OperatingSystem: 'Debian',
  OSType: 'linux',
  ServerVersion: '20.10.24',
};

describe('engine specs', () => {
  it('takes identity, resources, built-in labels first and engine labels', () => {
    const s = buildSpecs('h:1', version, info);
    expect(s).toMatchObject({
      id: 'AAAA:BBBB',
      name: 'node-0',
      cpus: 2,
      memory: 1024,
      apiVersion: '1.41',
      minApiVersion: '1.12',
    });
    expect(s.labels).toEqual({
      storagedriver: 'overlay2',
      kernelversion: '6.1',
      operatingsystem: 'Debian',
      ostype: 'linux',
      storage: 'ssd',
      zone: 'a',
    });
  });

  it('speaks to a newer engine at the newest version Shoal knows, and refuses one too old', () => {
    expect(buildSpecs('h:1', { ApiVersion: '1.52', MinAPIVersion: '1.44' }, info).apiVersion).toBe('1.51');
    expect(() => buildSpecs('h:1', { ApiVersion: '1.20' }, info)).toThrow('Shoal needs 1.24 or newer');
  });

  it("refuses what classic refused, with classic's texts", () => {
    expect(() => buildSpecs('h:1', version, { ...info, NCPU: 0 })).toThrow(
      'cannot get resources for this engine, make sure h:1 is a Docker Engine, not a Swarm manager',
    );
    expect(() => buildSpecs('h:1', version, { ...info, Labels: ['bad'] })).toThrow(
      'Engine (ID: AAAA:BBBB, Addr: h:1) contains an invalid label (bad) not formatted as "key=value".',
    );
  });

  it('ignores the reserved node label and built-in overrides, with warnings', () => {
    const s = buildSpecs('h:1', version, { ...info, Labels: ['node=x', 'ostype=windows'] });
    expect(s.labels['ostype']).toBe('linux');
    expect('node' in s.labels).toBe(false);
    expect(s.warnings).toHaveLength(2);
  });
});
