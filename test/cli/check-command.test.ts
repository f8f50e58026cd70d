import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const base = [
  'check',
  '--policies',
  'test/fixtures/policies',
  '--profile',
  'sample',
  '--set',
  'region=westeurope',
];

describe('egressgate check', () => {
  it('prints one line per target in input order and exits 1 when any is denied', async () => {
    const targets = [
      'management.azure.com:443',
      'https://westeurope.dp.kubernetesconfiguration.azure.com/path',
      'management.azure.com:80',
      'management.azure.com.evil.com:443',
      'http://crl.microsoft.com/other',
      'crl.microsoft.com:80',
      '0x7f.0.0.1:443',
    ];
    const r = await runCli([...base, ...targets]);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'allow management.azure.com:443 sample/arm',
      'allow https://westeurope.dp.kubernetesconfiguration.azure.com/path sample/regional',
      'deny management.azure.com:80 port_not_allowed',
      'deny management.azure.com.evil.com:443 no_matching_rule',
      'deny http://crl.microsoft.com/other path_not_allowed',
      'deny crl.microsoft.com:80 path_not_allowed',
      'deny 0x7f.0.0.1:443 ip_literal',
    ]);
  });

  it('decides a URL path as the proxy would: up to the query, every reading, as written', async () => {
    const r = await runCli([
      ...base,
      'http://crl.microsoft.com/pki/a.crl?sig=1',
      'http://crl.microsoft.com/pki/..;/other',
      'http://crl.microsoft.com/pki//../other',
    ]);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'allow http://crl.microsoft.com/pki/a.crl?sig=1 sample/plain-path',
      'deny http://crl.microsoft.com/pki/..;/other path_not_allowed',
      'deny http://crl.microsoft.com/pki//../other path_not_allowed',
    ]);
  });

  it('exits 0 when all are allowed, reading targets from stdin with -', async () => {
    const r = await runCli([...base, '-'], {
      stdin: 'management.azure.com:443\n\nx.servicebus.windows.net:5671\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'allow management.azure.com:443 sample/arm\nallow x.servicebus.windows.net:5671 sample/servicebus\n',
    );
  });

  it('--json gives one object per target', async () => {
    const r = await runCli([...base, '--json', 'management.azure.com:443', 'evil.com:443']);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        target: 'management.azure.com:443',
        verdict: 'allow',
        reason: 'allowed',
        profile: 'sample',
        rule: 'arm',
        host: 'management.azure.com',
        port: 443,
      },
      {
        target: 'evil.com:443',
        verdict: 'deny',
        reason: 'no_matching_rule',
        profile: null,
        rule: null,
        host: 'evil.com',
        port: 443,
      },
    ]);
    expect(r.code).toBe(1);
  });

  it('several --profile flags mean the union', async () => {
    const r = await runCli([
      'check',
      '--policies',
      'test/fixtures/policies',
      '-p',
      'sample',
      '-p',
      'other',
      '--set',
      'region=x',
      'other.example.org:443',
      'management.azure.com:443',
    ]);
    expect(r.stdout).toBe(
      'allow other.example.org:443 other/only\nallow management.azure.com:443 sample/arm\n',
    );
    expect(r.code).toBe(0);
  });

  it.each([
    [
      ['check', '--policies', 'test/fixtures/policies', '-p', 'sample', 'a.example.com:443'],
      /needs parameter 'region'/,
    ],
    [
      ['check', '--policies', 'test/fixtures/policies', '-p', 'missing', 'a.example.com:443'],
      /no profile 'missing'/,
    ],
    [
      ['check', '--policies', 'test/fixtures/policies', '-p', 'sample', '--set', 'novalue', 'a:1'],
      /KEY=VALUE/,
    ],
    [['check', '--bogus'], /unknown option/],
  ])('exits 2 with a message on stderr for %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('egressgate profiles and lint', () => {
  it('profiles show lists resolved rules, inactive rules and unproxied entries', async () => {
    const r = await runCli([
      'profiles',
      '--policies',
      'test/fixtures/policies',
      'show',
      'sample',
      '--set',
      'region=northeurope',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'sample/regional  northeurope.dp.kubernetesconfiguration.azure.com  ports 443',
    );
    expect(r.stdout).toContain('sample/arm-usgov: only for cloud usgov (cloud is public)');
    expect(r.stdout).toMatch(/sample\/ntp\s+udp/);
  });

  it('lint warns about a rule covered by a broader one and exits 1', async () => {
    const r = await runCli(['lint', 'test/fixtures/policies/sample.yaml']);
    expect(r.stdout).toContain("rule 'guestnotify' is covered by the broader rule 'servicebus'");
    expect(r.code).toBe(1);
  });
});
