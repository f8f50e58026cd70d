import { describe, expect, it } from 'vitest';
import { applyConnectTo, parseConnectTo } from '../../src/net/connect-to.js';
import { dialErrorResponses, toDialError } from '../../src/net/dial-error.js';
import { parseConnectTarget } from '../../src/net/parse-connect-target.js';

describe('parseConnectTarget', () => {
  it.each([
    ['management.azure.com:443', { host: 'management.azure.com', port: 443 }],
    ['Management.Azure.COM.:443', { host: 'management.azure.com', port: 443 }],
    ['[2001:DB8::1]:8443', { host: '2001:db8::1', port: 8443 }],
    ['[::ffff:10.0.0.1]:443', { host: '10.0.0.1', port: 443 }],
    ['0x7f.1:443', { host: '127.0.0.1', port: 443 }],
  ])('reads %s', (raw, expected) => {
    expect(parseConnectTarget(raw)).toEqual(expected);
  });

  it.each([
    'management.azure.com',
    'management.azure.com:0',
    'management.azure.com:65536',
    'management.azure.com:+443',
    'user@management.azure.com:443',
    'user:pw@management.azure.com:443',
    'management azure.com:443',
    'managément.azure.com:443',
    '2001:db8::1:443',
    '[management.azure.com]:443',
    ':443',
    'host:443/path',
  ])('rejects %s', (raw) => {
    expect(parseConnectTarget(raw)).toBeNull();
  });
});

describe('connect-to', () => {
  it('uses curl semantics: empty fields match any, first match wins', () => {
    const rules = [
      parseConnectTo('management.azure.com:443:127.0.0.1:8443'),
      parseConnectTo(':443:[::1]:9443'),
      parseConnectTo('::backend.local:'),
    ];
    expect(applyConnectTo(rules, { host: 'management.azure.com', port: 443 })).toEqual({
      host: '127.0.0.1',
      port: 8443,
    });
    expect(applyConnectTo(rules, { host: 'other.example', port: 443 })).toEqual({ host: '::1', port: 9443 });
    expect(applyConnectTo(rules, { host: 'other.example', port: 80 })).toEqual({
      host: 'backend.local',
      port: 80,
    });
    expect(applyConnectTo([rules[0] as never], { host: 'other.example', port: 443 })).toBeNull();
  });

  it.each(['a:443:b', 'a:x:b:1', 'a:443:b:70000', 'a b:443:b:1'])('rejects %s with a clear error', (spec) => {
    expect(() => parseConnectTo(spec)).toThrow(/--connect-to/);
  });
});

describe('dial errors', () => {
  it('maps errno codes to RFC 9209 error types and statuses', () => {
    const cases: [string, string, number][] = [
      ['ENOTFOUND', 'dns_error', 502],
      ['ECONNREFUSED', 'connection_refused', 502],
      ['ETIMEDOUT', 'connection_timeout', 504],
      ['ECONNRESET', 'connection_terminated', 502],
      ['EHOSTUNREACH', 'destination_unavailable', 503],
      ['EWHATEVER', 'proxy_internal_error', 500],
    ];
    for (const [errno, code, status] of cases) {
      const err = toDialError(Object.assign(new Error(errno), { code: errno }));
      expect(err.code).toBe(code);
      expect(dialErrorResponses[err.code].status).toBe(status);
    }
    expect(dialErrorResponses.destination_ip_prohibited.proxyStatusError).toBe('destination_ip_prohibited');
  });
});
