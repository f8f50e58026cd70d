import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readCidr, requireCidr } from '../../src/address/read-cidr.js';
import { parseCidr } from '../../src/policy/parse-cidr.js';

describe('readCidr: the one CIDR syntax', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0', 8, 'ipv4'],
    ['0.0.0.0/0', '0.0.0.0', 0, 'ipv4'],
    ['192.0.2.1/32', '192.0.2.1', 32, 'ipv4'],
    ['192.0.2.1', '192.0.2.1', 32, 'ipv4'],
    ['10.0.0.0/08', '10.0.0.0', 8, 'ipv4'],
    ['::/0', '::', 0, 'ipv6'],
    ['fd00::/8', 'fd00::', 8, 'ipv6'],
    ['2001:db8::1/128', '2001:db8::1', 128, 'ipv6'],
    ['2001:db8::1', '2001:db8::1', 128, 'ipv6'],
    // An IPv4-mapped range is an IPv6 range, prefix counted over 128 bits.
    ['::ffff:10.0.0.0/104', '::ffff:10.0.0.0', 104, 'ipv6'],
  ])('%j is %s/%d (%s)', (text, address, prefix, family) => {
    expect(readCidr(text)).toEqual({ address, prefix, family, text: `${address}/${prefix}` });
  });

  it('keeps host bits beyond the prefix as written; the range is still the network', () => {
    const cidr = requireCidr('10.1.2.3/8');
    expect(cidr).toMatchObject({ address: '10.1.2.3', prefix: 8, text: '10.1.2.3/8' });
    const list = new BlockList();
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    expect(list.check('10.0.0.0', 'ipv4')).toBe(true);
    expect(list.check('10.255.255.255', 'ipv4')).toBe(true);
    expect(list.check('11.0.0.0', 'ipv4')).toBe(false);
  });

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/-1',
    '10.0.0.0/',
    '10.0.0.0/ 8',
    '10.0.0.0/8 ',
    ' 10.0.0.0/8',
    '10.0.0.0/0x8',
    '10.0.0.0/8.0',
    '10.0.0.0/1e1',
    '10.0.0.0/0008',
    '10.0.0.0/8/9',
    '10.0.0/8',
    '10.0.0.256/32',
    'example.com/8',
    '/8',
    '',
  ])('%j is not a CIDR', (text) => {
    expect(readCidr(text)).toBeNull();
    expect(() => requireCidr(text)).toThrow(/not a CIDR/);
  });
});

describe('parseCidr: a CIDR of an allowlist', () => {
  it('trims and accepts what readCidr accepts', () => {
    expect(parseCidr(' 20.37.0.0/16 ')).toEqual({ ok: true, cidr: readCidr('20.37.0.0/16') });
  });

  it.each([
    ['0.0.0.0/0', "'0.0.0.0/0' covers every address; name the ranges instead"],
    ['::/0', "'::/0' covers every address; name the ranges instead"],
    ['10.0.0.0/33', "'10.0.0.0/33' has a prefix length outside 0-32"],
    ['fd00::/129', "'fd00::/129' has a prefix length outside 0-128"],
    ['10.0.0.0/8/9', "'10.0.0.0/8/9' has a prefix length outside 0-32"],
    ['10.0.0.0/', "'10.0.0.0/' has a prefix length outside 0-32"],
    ['eastus.example/16', "'eastus.example/16' is not a CIDR; write e.g. '20.37.0.0/16' or '2603:1000::/40'"],
  ])('%j: %s', (text, error) => {
    expect(parseCidr(text)).toEqual({ ok: false, error });
  });
});
