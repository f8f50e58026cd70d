import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AddressClass,
  InvalidAddressError,
  classifyAddress,
  isDialable,
} from '../../src/net/classify-address.js';

/** Rows of the IANA IPv4/IPv6 special-purpose registries (RFC 6890 and updates): first, last, class. */
const TABLE: readonly (readonly [string, AddressClass])[] = [
  // RFC 6890 IPv4
  ['0.0.0.0', 'unspecified'],
  ['0.0.0.1', 'reserved'],
  ['0.255.255.255', 'reserved'],
  ['10.0.0.0', 'private'],
  ['10.255.255.255', 'private'],
  ['100.63.255.255', 'public'],
  ['100.64.0.0', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.128.0.0', 'public'],
  ['100.100.100.200', 'metadata'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.0.1', 'link_local'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['169.254.169.253', 'link_local'],
  ['168.63.129.16', 'metadata'],
  ['168.63.129.17', 'public'],
  ['172.15.255.255', 'public'],
  ['172.16.0.0', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.0', 'public'],
  ['192.0.0.0', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['192.0.0.9', 'public'],
  ['192.0.0.10', 'public'],
  ['192.0.0.170', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['192.88.99.1', 'reserved'],
  ['192.168.0.1', 'private'],
  ['192.168.255.255', 'private'],
  ['198.18.0.0', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.20.0.0', 'public'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.200', 'documentation'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['1.1.1.1', 'public'],
  ['8.8.8.8', 'public'],
  ['20.190.128.1', 'public'],
  // RFC 6890 IPv6
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::2', 'reserved'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::FFFF:7F00:1', 'loopback'],
  ['0:0:0:0:0:ffff:10.1.2.3', 'private'],
  ['::ffff:a9fe:a9fe', 'metadata'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:c000:2ff', 'documentation'],
  ['::127.0.0.1', 'reserved'], // deprecated IPv4-compatible
  ['::ffff:0:7f00:1', 'reserved'], // SIIT IPv4-translated
  ['64:ff9b::8.8.8.8', 'public'],
  ['64:ff9b::a00:1', 'private'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::169.254.169.254', 'metadata'],
  ['64:ff9b:1::a00:1', 'reserved'],
  ['100::1', 'reserved'],
  ['2001::1', 'reserved'], // Teredo
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
  ['2001:1::1', 'public'],
  ['2001:1::3', 'reserved'],
  ['2001:2::1', 'benchmarking'],
  ['2001:3::1', 'public'],
  ['2001:4:112::1', 'public'],
  ['2001:10::1', 'reserved'], // deprecated ORCHID
  ['2001:20::1', 'public'],
  ['2001:1ff::1', 'reserved'],
  ['2001:200::1', 'public'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2002:c0a8:101::1', 'reserved'], // 6to4 embedding 192.168.1.1
  ['2002:808:808::1', 'reserved'],
  ['2606:4700:4700::1111', 'public'],
  ['2a01:111:f100::1', 'public'],
  ['3ffe::1', 'public'],
  ['4000::1', 'reserved'],
  ['5f00::1', 'reserved'],
  ['fc00::1', 'private'],
  ['fdff:ffff::1', 'private'],
  ['fd00:ec2::254', 'metadata'],
  ['fd00:ec2::253', 'private'],
  ['fe80::1', 'link_local'],
  ['fe80::1%eth0', 'link_local'],
  ['febf::1', 'link_local'],
  ['fec0::1', 'reserved'],
  ['ff02::1', 'multicast'],
  ['ff0e::101', 'multicast'],
];

/** Independent IPv4 reference: the same registry as integer ranges, most specific first. */
const V4_REFERENCE: readonly (readonly [string, number, AddressClass])[] = [
  ['0.0.0.0', 32, 'unspecified'],
  ['169.254.169.254', 32, 'metadata'],
  ['169.254.170.2', 32, 'metadata'],
  ['169.254.170.23', 32, 'metadata'],
  ['168.63.129.16', 32, 'metadata'],
  ['100.100.100.200', 32, 'metadata'],
  ['192.0.0.9', 32, 'public'],
  ['192.0.0.10', 32, 'public'],
  ['0.0.0.0', 8, 'reserved'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function toInt(v4: string): number {
  return v4.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function referenceClass(v4: string): AddressClass {
  const n = toInt(v4);
  for (const [base, bits, cls] of V4_REFERENCE) {
    const size = 2 ** (32 - bits);
    if (Math.floor(n / size) === Math.floor(toInt(base) / size)) return cls;
  }
  return 'public';
}

function mappedHex(v4: string): string {
  const n = toInt(v4);
  return `::ffff:${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
}

describe('classifyAddress', () => {
  it.each(TABLE)('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it.each(['', 'localhost', '127.1', '0x7f.0.0.1', '1.2.3.4%eth0', '::1%', '[::1]', '1.2.3.256', ':::'])(
    'refuses %j with a typed error',
    (bad) => {
      expect(() => classifyAddress(bad)).toThrow(InvalidAddressError);
      expect(() => classifyAddress(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ADDRESS' }) as Error,
      );
    },
  );

  it('agrees with an independent integer-range reference on random IPv4 addresses', () => {
    const special = fc.tuple(fc.constantFrom(...V4_REFERENCE), fc.nat()).map(([[base, bits], r]) => {
      const n = toInt(base) + (r % 2 ** (32 - bits));
      return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
    });
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), special), (ip) => {
        expect(classifyAddress(ip)).toBe(referenceClass(ip));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives an IPv4 address, its mapped forms and its NAT64 form the same class', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const cls = classifyAddress(ip);
        expect(classifyAddress(`::ffff:${ip}`)).toBe(cls);
        expect(classifyAddress(mappedHex(ip))).toBe(cls);
        expect(classifyAddress(`64:ff9b::${ip}`)).toBe(cls);
      }),
      { numRuns: 2000 },
    );
  });

  it('classifies every valid IPv6 address without throwing, public only inside 2000::/3', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const cls = classifyAddress(ip);
        const first = parseInt(
          new net.SocketAddress({ address: ip, family: 'ipv6' }).address.split(':')[0] || '0',
          16,
        );
        const mappedOrNat64 = /^(::ffff:[^:]+(:[^:]+)?|64:ff9b::[^:]+(:[^:]+)?)$/i.test(
          new net.SocketAddress({ address: ip, family: 'ipv6' }).address,
        );
        if (cls === 'public' && !mappedOrNat64) expect(first >> 13).toBe(1);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('isDialable', () => {
  const allowed = new net.BlockList();
  allowed.addSubnet('10.20.0.0', 16, 'ipv4');
  allowed.addSubnet('169.254.0.0', 16, 'ipv4');
  allowed.addSubnet('0.0.0.0', 0, 'ipv4');
  allowed.addSubnet('fd12::', 16, 'ipv6');

  it.each([
    ['8.8.8.8', null, true],
    ['2606:4700:4700::1111', null, true],
    ['10.20.1.1', null, false],
    ['10.20.1.1', allowed, true],
    ['::ffff:10.20.1.1', allowed, true],
    ['10.21.1.1', new net.BlockList(), false],
    ['fd12::5', allowed, true],
    ['fd13::5', allowed, false],
    ['127.0.0.1', allowed, true], // 0.0.0.0/0 in a rule names loopback too: the rule author's call
    ['169.254.169.254', allowed, false], // metadata: never, even inside an allowed CIDR
    ['64:ff9b::a9fe:a9fe', allowed, false],
    ['0.0.0.0', allowed, false], // unspecified reaches the local host on Linux
    ['::', allowed, false],
    ['224.0.0.1', allowed, false],
    ['not-an-ip', allowed, false],
    ['', null, false],
  ] as const)('%s with %s → %s', (ip, cidrs, expected) => {
    expect(isDialable(ip, cidrs)).toBe(expected);
  });

  it('never dials a non-public address without a matching rule', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        expect(isDialable(ip, null)).toBe(classifyAddress(ip) === 'public');
      }),
      { numRuns: 3000 },
    );
  });
});
