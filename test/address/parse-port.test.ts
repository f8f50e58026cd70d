import { describe, expect, it } from 'vitest';
import { parsePort } from '../../src/address/parse-port.js';

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['80', 80],
    ['443', 443],
    ['65535', 65535],
    // A leading zero is still decimal, never octal.
    ['08', 8],
    ['00443', 443],
  ])('%j is port %d', (raw, port) => {
    expect(parsePort(raw)).toBe(port);
    expect(parsePort(raw, { allowZero: true })).toBe(port);
  });

  it.each([
    '65536',
    '99999',
    '100000',
    '000080',
    '',
    ' 80',
    '80 ',
    '+80',
    '-1',
    '8o',
    '0x50',
    '1e3',
    '80.0',
    '٨٠',
  ])('%j is not a port', (raw) => {
    expect(parsePort(raw)).toBeNull();
    expect(parsePort(raw, { allowZero: true })).toBeNull();
  });

  it('0 only where a listener may pick a free port', () => {
    expect(parsePort('0')).toBeNull();
    expect(parsePort('00')).toBeNull();
    expect(parsePort('0', { allowZero: true })).toBe(0);
    expect(parsePort('00000', { allowZero: true })).toBe(0);
  });
});
