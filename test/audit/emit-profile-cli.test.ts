import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { sessionLog } from './audit-fixture.js';

// The recorded session ran azure-arc-kubernetes (shipped) in report mode for region westeurope.
const shipped = ['--profile', 'azure-arc-kubernetes', '--set', 'region=westeurope'];

interface EmittedRule {
  id: string;
  hosts?: string[];
  ports: number[];
  provenance: { document: string; section?: string; entry?: string; note?: string };
}

describe('egressgate audit --emit-profile (CLI), checked with egressgate check', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'egressgate-emit-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('writes exactly what was used, with the shipped rows as provenance, and it loads with check', async () => {
    const file = join(tmp, 'arc-used.yaml');
    const audit = await runCli([
      'audit',
      ...shipped,
      '--emit-profile',
      file,
      '--accept',
      'mcr-microsoft-com',
      sessionLog,
    ]);
    expect(audit.code).toBe(0);
    const text = await readFile(file, 'utf8');
    const doc = parse(text) as { name: string; rules: EmittedRule[]; sources: { id: string }[] };
    expect(doc.name).toBe('arc-used');
    const byId = new Map(doc.rules.map((r) => [r.id, r]));
    // The wildcard *.servicebus.windows.net becomes the one name used under it.
    expect(byId.get('cluster-connect-relay')).toMatchObject({
      hosts: ['westeurope.servicebus.windows.net'],
      ports: [443],
      provenance: { document: '003', entry: '*.servicebus.windows.net' },
    });
    // A rule with three names keeps only the one used.
    expect(byId.get('entra-tokens')?.hosts).toEqual(['login.microsoftonline.com']);
    expect(doc.sources.map((s) => s.id)).toEqual(['003']);
    // Accepted: a rule; not accepted: a comment that names how to accept it.
    expect(byId.get('mcr-microsoft-com')).toMatchObject({ hosts: ['mcr.microsoft.com'], ports: [8443] });
    expect(byId.has('registry-1-docker-io')).toBe(false);
    expect(text).toMatch(/^# Suggested rules not accepted \(add one with --accept ID/m);
    expect(text).toMatch(/^# {3}- id: registry-1-docker-io$/m);

    const check = await runCli([
      'check',
      '--policies',
      tmp,
      '--profile',
      'arc-used',
      'westeurope.servicebus.windows.net:443',
      'mcr.microsoft.com:8443',
      'management.azure.com:443',
      'northeurope.servicebus.windows.net:443',
      'westeurope.login.microsoft.com:443',
      'registry-1.docker.io:443',
    ]);
    expect(check.stderr).toBe('');
    expect(check.stdout.trim().split('\n')).toEqual([
      'allow westeurope.servicebus.windows.net:443 arc-used/cluster-connect-relay',
      'allow mcr.microsoft.com:8443 arc-used/mcr-microsoft-com',
      'allow management.azure.com:443 arc-used/arm',
      'deny northeurope.servicebus.windows.net:443 no_matching_rule',
      'deny westeurope.login.microsoft.com:443 no_matching_rule',
      'deny registry-1.docker.io:443 no_matching_rule',
    ]);
    expect(check.code).toBe(1);
  });

  it('--accept all takes every suggestion', async () => {
    const file = join(tmp, 'arc-all.yaml');
    const audit = await runCli(['audit', ...shipped, '--emit-profile', file, '--accept', 'all', sessionLog]);
    expect(audit.code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('not accepted');
    const check = await runCli([
      'check',
      '--policies',
      tmp,
      '--profile',
      'arc-all',
      'registry-1.docker.io:443',
    ]);
    expect(check.stdout.trim()).toBe('allow registry-1.docker.io:443 arc-all/registry-1-docker-io');
  });

  it.each([
    [['--emit-profile', 'x.yaml', sessionLog], /--emit-profile needs --profile/],
    [[...shipped, '--emit-profile', 'Bad Name.yaml', sessionLog], /name it NAME\.yaml/],
    [[...shipped, '--accept', 'all', sessionLog], /--accept needs --emit-profile/],
    [
      [...shipped, '--emit-profile', 'TMP/x.yaml', '--accept', 'nope', sessionLog],
      /--accept nope: no such suggested rule \(suggested: .*registry-1-docker-io/,
    ],
  ])('exits 2 with a message for bad usage %#', async (args, message) => {
    const r = await runCli(['audit', ...args.map((a) => a.replace('TMP', tmp))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('egressgate audit --emit-profile with CIDR rules', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'egressgate-emit-cidr-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('keeps the prefixes that contained an address used, whole, and the names used under a wildcard', async () => {
    const drafts = join(tmp, 'drafts');
    const out = join(tmp, 'out');
    await mkdir(drafts);
    await mkdir(out);
    await writeFile(
      join(drafts, 'site.yaml'),
      [
        'name: site',
        'description: test profile with a CIDR rule',
        'rules:',
        '  - id: ranges',
        "    cidrs: ['20.50.0.0/16', '20.60.0.0/16']",
        '    ports: [443, 8443]',
        '    provenance: { document: test, entry: two ranges }',
        '  - id: web',
        "    hosts: ['*.example.com']",
        '    ports: [443]',
        '    provenance: { document: test, entry: a wildcard }',
        '',
      ].join('\n'),
    );
    const line = (n: number, host: string, rule: string): string =>
      JSON.stringify({
        time: 1_800_000_000_000 + n,
        event: 'decision',
        conn: `k${n}`,
        client: '10.0.0.5',
        group: 'g',
        host,
        port: 443,
        decision: 'allow',
        reason: 'allowed',
        profile: 'site',
        rule,
        msg: 'decision',
      });
    const log = [
      line(1, '20.50.1.2', 'ranges'),
      line(2, 'a.example.com', 'web'),
      line(3, 'b.example.com', 'web'),
    ];
    const file = join(out, 'site-used.yaml');
    const audit = await runCli(
      ['audit', '--policies', drafts, '--profile', 'site', '--emit-profile', file, '-'],
      { stdin: `${log.join('\n')}\n` },
    );
    expect(audit.stderr).toBe('');
    expect(audit.code).toBe(0);
    const doc = parse(await readFile(file, 'utf8')) as {
      rules: { id: string; cidrs?: string[]; hosts?: string[]; ports: number[] }[];
    };
    expect(doc.rules).toMatchObject([
      { id: 'ranges', cidrs: ['20.50.0.0/16'], ports: [443] },
      { id: 'web', hosts: ['a.example.com', 'b.example.com'], ports: [443] },
    ]);
    const check = await runCli([
      'check',
      '--policies',
      out,
      '--profile',
      'site-used',
      '20.50.9.9:443',
      '20.60.1.1:443',
      '20.50.1.2:8443',
      'b.example.com:443',
      'c.example.com:443',
    ]);
    expect(
      check.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(['allow', 'deny', 'deny', 'allow', 'deny']);
  });
});
