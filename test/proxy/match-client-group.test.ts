import { describe, expect, it } from 'vitest';
import type { ClientGroup } from '../../src/config/client-group.js';
import { checkCidr } from '../../src/config/check-cidr.js';
import { compileGroupMatchers, matchClientGroup } from '../../src/proxy/match-client-group.js';

function group(name: string, cidrs: readonly string[]): ClientGroup {
  return {
    name,
    cidrs,
    users: null,
    profiles: [],
    parameters: {},
    excludeRules: [],
    mode: 'enforce',
    denyStyle: 'forbidden',
    maxConnections: null,
  };
}

describe('client-group CIDRs (the one CIDR syntax, readCidr)', () => {
  it('accepts an address, a range and the whole space', () => {
    for (const cidr of ['10.0.0.0/8', '192.0.2.7', 'fd00::/8', '0.0.0.0/0', '::/0', '10.1.2.3/8']) {
      expect(checkCidr(cidr)).toBeNull();
    }
  });

  it.each(['10.0.0.0/', '10.0.0.0/8/9', '10.0.0.0/33', 'clients.example/8', ' 10.0.0.0/8'])(
    'refuses %j with the config error it always gave',
    (cidr) => {
      expect(checkCidr(cidr)).toBe(
        `invalid CIDR "${cidr}" (write an address with an optional prefix length, e.g. 10.0.0.0/8 or fd00::/8)`,
      );
      expect(() => compileGroupMatchers([group('g', [cidr])])).toThrow(
        `client group g: invalid CIDR "${cidr}"`,
      );
    },
  );

  it('matches a link-local client that Node reports with its zone id', () => {
    const matchers = compileGroupMatchers([group('link', ['fe80::/10'])]);
    expect(matchClientGroup(matchers, 'fe80::ffff:1%eth0', undefined)?.name).toBe('link');
    expect(matchClientGroup(matchers, 'fe80::1%2', undefined)?.name).toBe('link');
  });

  it('matches a dual-stack listener IPv4 client, in any spelling, against IPv4 ranges', () => {
    const matchers = compileGroupMatchers([group('v6', ['fd00::/8']), group('v4', ['10.0.0.0/8'])]);
    for (const client of ['10.1.2.3', '::ffff:10.1.2.3', '::FFFF:10.1.2.3', '::ffff:a01:203']) {
      expect(matchClientGroup(matchers, client, undefined)?.name).toBe('v4');
    }
    expect(matchClientGroup(matchers, 'fd00::1', undefined)?.name).toBe('v6');
    expect(matchClientGroup(matchers, '11.0.0.1', undefined)).toBeNull();
  });
});
