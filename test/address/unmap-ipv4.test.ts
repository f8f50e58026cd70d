import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { mappedIPv4, unmapIPv4 } from '../../src/address/unmap-ipv4.js';

describe('mappedIPv4 / unmapIPv4', () => {
  it.each([
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:102:304', '1.2.3.4'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['0:0:0:0:0:ffff:1.2.3.4', '1.2.3.4'],
    ['0000:0000:0000:0000:0000:FFFF:0102:0304', '1.2.3.4'],
    ['::ffff:0.0.0.0', '0.0.0.0'],
    ['::ffff:255.255.255.255', '255.255.255.255'],
  ])('%s stands for %s', (mapped, v4) => {
    expect(mappedIPv4(mapped)).toBe(v4);
    expect(unmapIPv4(mapped)).toBe(v4);
    // The same address to the kernel's own range check: the mapped form is in ::ffff:v4/128.
    const list = new BlockList();
    list.addAddress(v4, 'ipv4');
    expect(list.check(unmapIPv4(mapped), 'ipv4')).toBe(true);
  });

  it.each([
    '1.2.3.4',
    // A link-local peer with its zone id, as Node reports it: not mapped, and no exception.
    'fe80::ffff:1%eth0',
    'fe80::ffff:ffff:1%2',
    '::1',
    '::',
    '2001:db8::1',
    // ::ffff:0:0:0/96 (IPv4-translated) and ::/96 (IPv4-compatible) are not IPv4-mapped.
    '::ffff:0:1.2.3.4',
    '::1.2.3.4',
    '64:ff9b::1.2.3.4',
    // Not addresses at all.
    '::ffff:1.2.3',
    '::ffff:1.2.3.256',
    '::ffff:01.2.3.4',
    'ffff.example',
    '',
    ' ::ffff:1.2.3.4',
  ])('%j is left alone', (text) => {
    expect(mappedIPv4(text)).toBeNull();
    expect(unmapIPv4(text)).toBe(text);
  });
});
