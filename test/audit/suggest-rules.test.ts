import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderProfileYaml, suggestRules, type DeniedDestination } from '../../src/audit/suggest-profile.js';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';

function denied(
  host: string,
  port = 443,
  reason = 'no_matching_rule',
  paths: string[] = [],
): DeniedDestination {
  return { host, port, connections: 1, reason, paths };
}

const opts = { wildcardMin: 3, source: 'test' };

describe('suggestRules', () => {
  it('groups N names under one parent into a wildcard, and keeps fewer exact', () => {
    const rules = suggestRules(
      [
        denied('a.svc.example.com'),
        denied('b.svc.example.com'),
        denied('c.svc.example.com'),
        denied('x.other.net'),
        denied('y.other.net'),
      ],
      opts,
    );
    expect(rules.map((r) => [r.id, r.hosts])).toEqual([
      ['svc-example-com-subdomains', ['*.svc.example.com']],
      ['other-net', ['x.other.net', 'y.other.net']],
    ]);
  });

  it('honours --wildcard-min', () => {
    const three = [denied('a.example.com'), denied('b.example.com'), denied('c.example.com')];
    expect(suggestRules(three, { ...opts, wildcardMin: 4 }).map((r) => r.hosts)).toEqual([
      ['a.example.com', 'b.example.com', 'c.example.com'],
    ]);
  });

  it('never puts a wildcard over a public suffix', () => {
    const rules = suggestRules(
      [denied('one.co.uk'), denied('two.co.uk'), denied('three.co.uk'), denied('four.co.uk')],
      opts,
    );
    expect(rules.flatMap((r) => r.hosts ?? [])).toEqual([
      'four.co.uk',
      'one.co.uk',
      'three.co.uk',
      'two.co.uk',
    ]);
    const com = suggestRules([denied('a.com'), denied('b.com'), denied('c.com')], opts);
    expect(com.flatMap((r) => r.hosts ?? []).some((h) => h.includes('*'))).toBe(false);
  });

  it('uses .parent when the parent itself was denied too', () => {
    const rules = suggestRules(
      [denied('example.org'), denied('a.example.org'), denied('b.example.org'), denied('c.example.org')],
      opts,
    );
    expect(rules.map((r) => r.hosts)).toEqual([['.example.org']]);
  });

  it('turns IP literals into /32 and /128 CIDR rules and ignores refusals a profile cannot fix', () => {
    const rules = suggestRules(
      [
        denied('203.0.113.9', 443, 'ip_literal'),
        denied('2001:db8::5', 8443, 'ip_literal'),
        denied('evil.example', 443, 'client_not_allowed'),
        denied('x.example.net', 443, 'loop'),
      ],
      opts,
    );
    expect(rules.map((r) => [r.id, r.cidrs, r.ports])).toEqual([
      ['ip-2001-db8-5', ['2001:db8::5/128'], [8443]],
      ['ip-203-0-113-9', ['203.0.113.9/32'], [443]],
    ]);
  });

  it('keeps the paths of a path_not_allowed refusal and unions ports of one name', () => {
    const rules = suggestRules(
      [denied('crl.example.com', 80, 'path_not_allowed', ['/pki/crl']), denied('crl.example.com', 8080)],
      opts,
    );
    expect(rules).toMatchObject([{ hosts: ['crl.example.com'], ports: [80, 8080], paths: ['/pki/crl'] }]);
  });

  it('renders YAML the policy loader accepts, and the rules allow what was denied', async () => {
    const input = [
      denied('a.svc.example.com'),
      denied('b.svc.example.com'),
      denied('c.svc.example.com'),
      denied('d.svc.example.com', 8443),
      denied('api.example.net', 80),
      denied('198.51.100.7', 443, 'ip_literal'),
    ];
    const dir = await mkdtemp(join(tmpdir(), 'egressgate-suggest-'));
    try {
      await writeFile(
        join(dir, 'suggested.yaml'),
        renderProfileYaml('suggested', suggestRules(input, opts), 'test'),
      );
      const policy = await loadPolicy({ dir, profiles: ['suggested'], parameters: {} });
      for (const d of input)
        expect(decide(policy, { host: d.host, port: d.port }, 'enforce').verdict, d.host).toBe('allow');
      expect(decide(policy, { host: 'svc.example.com', port: 443 }, 'enforce').verdict).toBe('deny');
      expect(decide(policy, { host: 'api.example.net', port: 443 }, 'enforce').verdict).toBe('deny');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
