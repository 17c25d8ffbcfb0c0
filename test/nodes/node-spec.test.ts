// A node update's version and body, read as Docker reads them.
import { expect, it } from 'vitest';
import { parseNodeSpec, parseNodeVersion } from '../../src/nodes/node-spec.js';

it('the version is an unsigned integer; anything else is refused with strconv’s text', () => {
  expect(parseNodeVersion('12')).toBe(12);
  expect(() => parseNodeVersion(null)).toThrow(
    `invalid node version '': strconv.ParseUint: parsing "": invalid syntax`,
  );
  expect(() => parseNodeVersion('-1')).toThrow(
    `invalid node version '-1': strconv.ParseUint: parsing "-1": invalid syntax`,
  );
  expect(() => parseNodeVersion('99999999999999999999')).toThrow('value out of range');
});

it('takes role and availability in any case; labels are strings', () => {
  expect(parseNodeSpec({ Labels: { a: 'b' }, Role: 'WORKER', Availability: 'Drain' })).toEqual({
    Labels: { a: 'b' },
    Role: 'worker',
    Availability: 'drain',
  });
  expect(parseNodeSpec({ Name: 'n', Labels: null, Role: 'manager', Availability: 'pause' })).toEqual({
    Name: 'n',
    Labels: {},
    Role: 'manager',
    Availability: 'pause',
  });
});

it('refuses what Docker refuses, with its texts', () => {
  expect(() => parseNodeSpec(undefined)).toThrow('invalid Role: ""');
  expect(() => parseNodeSpec({ Role: 'boss', Availability: 'active' })).toThrow('invalid Role: "boss"');
  expect(() => parseNodeSpec({ Role: 'worker', Availability: 'off' })).toThrow('invalid Availability: "off"');
  expect(() => parseNodeSpec({ Role: 'worker', Availability: 'active', Labels: { a: 1 } })).toThrow(
    'json: cannot unmarshal number into Go struct field NodeSpec.Labels of type string',
  );
  expect(() => parseNodeSpec({ Role: 'worker', Availability: 'active', Labels: [] })).toThrow(
    'json: cannot unmarshal array into Go struct field NodeSpec.Labels of type map[string]string',
  );
});
