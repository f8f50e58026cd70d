import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SuggestedRule } from '../../src/audit/audit-report.js';
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

// The tests' names sit under these as if a document row named them; see the last tests for the others.
const documentedDomains = new Set([
  'example.com',
  'example.org',
  'example.net',
  'other.net',
  'one.co.uk',
  'two.co.uk',
  'three.co.uk',
  'four.co.uk',
  'a.com',
  'b.com',
  'c.com',
]);
const opts = { wildcardMin: 3, source: 'test', documentedDomains };

function suggest(input: readonly DeniedDestination[], o: typeof opts = opts): SuggestedRule[] {
  return suggestRules(input, o).rules;
}

describe('suggestRules', () => {
  it('never suggests a path prefix the policy loader refuses, nor widens such a name to the whole host', () => {
    const rules = suggest([
      denied('files.example.com', 80, 'path_not_allowed', ['/pub/a.crl', '/pub/../admin']),
      denied('odd.example.org', 80, 'path_not_allowed', ['/x//../y']),
    ]);
    expect(rules.find((r) => r.hosts?.includes('files.example.com'))?.paths).toEqual(['/pub/a.crl']);
    expect(rules.find((r) => r.hosts?.includes('odd.example.org'))).toBeUndefined();
  });

  it('groups N names under one parent into a wildcard, and keeps fewer exact', () => {
    const rules = suggest(
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
    expect(suggest(three, { ...opts, wildcardMin: 4 }).map((r) => r.hosts)).toEqual([
      ['a.example.com', 'b.example.com', 'c.example.com'],
    ]);
  });

  it('never puts a wildcard over a public suffix', () => {
    const rules = suggest(
      [denied('one.co.uk'), denied('two.co.uk'), denied('three.co.uk'), denied('four.co.uk')],
      opts,
    );
    expect(rules.flatMap((r) => r.hosts ?? [])).toEqual([
      'four.co.uk',
      'one.co.uk',
      'three.co.uk',
      'two.co.uk',
    ]);
    const com = suggest([denied('a.com'), denied('b.com'), denied('c.com')], opts);
    expect(com.flatMap((r) => r.hosts ?? []).some((h) => h.includes('*'))).toBe(false);
  });

  it('uses .parent when the parent itself was denied too', () => {
    const rules = suggest(
      [denied('example.org'), denied('a.example.org'), denied('b.example.org'), denied('c.example.org')],
      opts,
    );
    expect(rules.map((r) => r.hosts)).toEqual([['.example.org']]);
  });

  it('turns IP literals into /32 and /128 CIDR rules and ignores refusals a profile cannot fix', () => {
    const rules = suggest(
      [
        denied('20.37.0.9', 443, 'ip_literal'),
        denied('2603:1000::5', 8443, 'ip_literal'),
        denied('evil.example', 443, 'client_not_allowed'),
        denied('x.example.net', 443, 'loop'),
      ],
      opts,
    );
    expect(rules.map((r) => [r.id, r.cidrs, r.ports])).toEqual([
      ['ip-20-37-0-9', ['20.37.0.9/32'], [443]],
      ['ip-2603-1000-5', ['2603:1000::5/128'], [8443]],
    ]);
  });

  it('keeps the paths of a path_not_allowed refusal and unions ports of one name', () => {
    const rules = suggest(
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
      denied('20.38.1.7', 443, 'ip_literal'),
    ];
    const dir = await mkdtemp(join(tmpdir(), 'egressgate-suggest-'));
    try {
      await writeFile(
        join(dir, 'suggested.yaml'),
        renderProfileYaml('suggested', suggest(input, opts), 'test'),
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

  it('never suggests metadata, loopback or private addresses or local names: findings instead', () => {
    const { rules, findings } = suggestRules(
      [
        denied('169.254.169.254', 80, 'ip_literal'),
        denied('168.63.129.16', 80, 'ip_literal'),
        denied('127.0.0.1', 8080, 'ip_literal'),
        denied('10.20.0.5', 443, 'ip_literal'),
        denied('fd00:ec2::254', 80, 'ip_literal'),
        denied('metadata.google.internal', 80),
        denied('localhost', 80),
        denied('db.corp.local', 5432),
      ],
      opts,
    );
    expect(rules).toEqual([]);
    expect(findings.map((f) => [f.host, f.why.split(':')[0]])).toEqual([
      ['10.20.0.5', 'private address'],
      ['127.0.0.1', 'loopback address'],
      ['168.63.129.16', 'metadata address'],
      ['169.254.169.254', 'metadata address'],
      ['db.corp.local', 'a local or single-label name'],
      ['fd00:ec2::254', 'metadata address'],
      ['localhost', 'a local or single-label name'],
      ['metadata.google.internal', 'a cloud metadata name'],
    ]);
  });

  it('puts no wildcard over a parent no document names, and makes one-off names under it findings', () => {
    const many = (host: string): DeniedDestination => ({ ...denied(host), connections: 2 });
    const { rules, findings } = suggestRules(
      [
        many('a.cdn.unknown-vendor.io'),
        many('b.cdn.unknown-vendor.io'),
        many('c.cdn.unknown-vendor.io'),
        denied('once.elsewhere.dev'),
      ],
      { ...opts, documentedDomains: new Set(['azure.com']) },
    );
    expect(rules.flatMap((r) => r.hosts ?? [])).toEqual([
      'a.cdn.unknown-vendor.io',
      'b.cdn.unknown-vendor.io',
      'c.cdn.unknown-vendor.io',
    ]);
    expect(findings).toMatchObject([{ host: 'once.elsewhere.dev', port: 443, connections: 1 }]);
    expect(findings[0]?.why).toMatch(/elsewhere\.dev, a domain no document row names/);
    // The same names under a documented domain do become one wildcard.
    const documented = suggest([many('a.x.azure.com'), many('b.x.azure.com'), many('c.x.azure.com')], {
      ...opts,
      documentedDomains: new Set(['azure.com']),
    });
    expect(documented.map((r) => r.hosts)).toEqual([['*.x.azure.com']]);
  });
});
