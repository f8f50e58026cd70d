import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeHost, normalizeSlowly } from '../../src/policy/normalize-host.js';

describe('normalizeHost', () => {
  it.each([
    ['Management.Azure.COM', 'name', 'management.azure.com'],
    ['management.azure.com.', 'name', 'management.azure.com'],
    ['bücher.example', 'name', 'xn--bcher-kva.example'],
    ['XN--BCHER-KVA.example', 'name', 'xn--bcher-kva.example'],
    ['_sip._tcp.example.com', 'name', '_sip._tcp.example.com'],
    // Every IPv4 spelling a WHATWG URL parser accepts collapses to the dotted quad.
    ['2130706433', 'ipv4', '127.0.0.1'],
    ['0177.0.0.1', 'ipv4', '127.0.0.1'],
    ['0x7f.0.0.1', 'ipv4', '127.0.0.1'],
    ['127.1', 'ipv4', '127.0.0.1'],
    ['0x7f000001', 'ipv4', '127.0.0.1'],
    ['169.254.169.254.', 'ipv4', '169.254.169.254'],
    ['[::1]', 'ipv6', '::1'],
    ['::FFFF:127.0.0.1', 'ipv4', '127.0.0.1'],
    ['[::ffff:7f00:1]', 'ipv4', '127.0.0.1'],
    ['2603:1000:0::1', 'ipv6', '2603:1000::1'],
  ])('%s is the %s %s', (raw, kind, host) => {
    expect(normalizeHost(raw)).toEqual({ kind, host });
  });

  it.each([
    '',
    '.',
    'a..b',
    '-a.example.com',
    'a-.example.com',
    `${'a'.repeat(64)}.example.com`,
    `${'a.'.repeat(127)}com`,
    'a b.example.com',
    'a%2e.example.com',
    'user@example.com',
    'example.com/path',
    'exa\u0000mple.com',
    '1.2.3.4.5',
    '256.1.1.1',
    'foo.123',
    'fe80::1%eth0',
    '[::1',
    '１２７.０.０.１',
    '1..',
  ])('%j is not a host', (raw) => {
    expect(normalizeHost(raw)).toBeNull();
  });
});

describe('the allocation-free fast path', () => {
  it('agrees with the general path on random hosts', () => {
    const char = fc.constantFrom(...'abcxyzAZ019-_.:[]%é'.split(''), '0x', '..', 'xn--');
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 30 }).map((parts) => parts.join('')),
        (host) => {
          expect(normalizeHost(host)).toEqual(normalizeSlowly(host));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it.each([`${'a'.repeat(63)}.example.com`, `${'a.'.repeat(126)}co`])(
    'keeps the length limits: %s',
    (host) => {
      expect(normalizeHost(host)).toEqual(normalizeSlowly(host));
      expect(normalizeHost(`${host}a`.replace('.example', 'a.example'))).toEqual(
        normalizeSlowly(`${host}a`.replace('.example', 'a.example')),
      );
    },
  );
});
