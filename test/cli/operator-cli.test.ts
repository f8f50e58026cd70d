import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const FIXTURES = 'test/fixtures/policies';
let dir: string;
let first: string;
let second: string;

const profile = (name: string, host: string, extra = ''): string =>
  `name: ${name}\ndescription: test\n${extra}rules:\n  - id: r\n    hosts: [${host}]\n    ports: [443]\n    provenance: { document: test }\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egressgate-operator-cli-'));
  first = join(dir, 'first');
  second = join(dir, 'second');
  await mkdir(first);
  await mkdir(second);
  // 'alpha' only in the first directory, 'beta' only in the second: both must be found.
  await writeFile(join(first, 'alpha.yaml'), profile('alpha', 'alpha.example.org'));
  await writeFile(join(second, 'beta.yaml'), profile('beta', 'beta.example.org', 'include: [alpha]\n'));
  // The same name in both: the later directory wins.
  await writeFile(join(first, 'gamma.yaml'), profile('gamma', 'old.example.org'));
  await writeFile(join(second, 'gamma.yaml'), profile('gamma', 'new.example.org'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('profiles show --json', () => {
  it('prints JSON when --json follows the subcommand, and takes --policies there too', async () => {
    const r = await runCli([
      'profiles',
      'show',
      'sample',
      '--policies',
      FIXTURES,
      '--set',
      'region=x',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout) as { profiles: string[]; unproxied: { id: string; needs: string[] }[] };
    expect(view.profiles).toEqual(['sample']);
    expect(view.unproxied.find((u) => u.id === 'ntp')?.needs).toEqual(['ntp_servers']);
  });

  it('says which parameter an empty unproxied row waits for', async () => {
    const r = await runCli(['profiles', '--policies', FIXTURES, 'show', 'sample', '--set', 'region=x']);
    expect(r.stdout).toMatch(/sample\/ntp\s+udp \(set ntp_servers\)\s+ports 123/);
  });
});

describe('repeated --policies', () => {
  const both = (): string[] => ['--policies', first, '--policies', second];

  it('check finds profiles in every directory, the later one winning', async () => {
    const r = await runCli([
      'check',
      ...both(),
      '-p',
      'beta',
      '-p',
      'gamma',
      'alpha.example.org:443',
      'new.example.org:443',
      'old.example.org:443',
    ]);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'allow alpha.example.org:443 alpha/r',
      'allow new.example.org:443 gamma/r',
      'deny old.example.org:443 no_matching_rule',
    ]);
    expect(r.code).toBe(1);
  });

  it('profiles lists both directories; show and export use both', async () => {
    const list = await runCli(['profiles', ...both(), '--json']);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((p) => p.name)).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    const show = await runCli(['profiles', 'show', 'beta', ...both(), '--json']);
    expect(show.code).toBe(0);
    expect((JSON.parse(show.stdout) as { profiles: string[] }).profiles).toEqual(['alpha', 'beta']);
  });

  it('lint lints every directory and resolves includes across them', async () => {
    const r = await runCli(['lint', ...both()]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${join(first, 'alpha.yaml')}: ok`);
    expect(r.stdout).toContain(`${join(second, 'beta.yaml')}: ok`);
    expect(r.stdout).toContain(`${join(second, 'gamma.yaml')}: ok`);
    expect(r.stdout).not.toContain(join(first, 'gamma.yaml'));
    expect(r.code).toBe(0);
  });

  it('audit re-decides with profiles from both directories', async () => {
    const line = (host: string): string =>
      JSON.stringify({
        level: 30,
        time: 1_700_000_000_000,
        event: 'decision',
        conn: `c-${host}`,
        listener: 'explicit',
        kind: 'connect',
        client: '10.0.0.5',
        clientPort: 40000,
        group: 'g',
        host,
        port: 443,
        sni: null,
        hostHeader: null,
        path: null,
        origDst: null,
        decision: 'allow',
        reason: 'allowed',
        profile: 'x',
        rule: 'y',
        mode: 'enforce',
        ech: false,
        dialed: null,
        msg: 'decision',
      });
    const r = await runCli(['audit', '-', ...both(), '-p', 'beta', '-f', 'json'], {
      stdin: `${line('alpha.example.org')}\n${line('beta.example.org')}\n`,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Both names are covered once the profiles of both directories are loaded.
    const report = JSON.parse(r.stdout) as { coverage?: unknown };
    expect(JSON.stringify(report)).toContain('alpha/r');
    expect(JSON.stringify(report)).toContain('beta/r');
  });
});

describe('lint and overlapOk', () => {
  it('the shipped profiles lint clean (deliberate overlaps are acknowledged in the files)', async () => {
    const r = await runCli(['lint', 'policies']);
    expect(r.stdout).not.toContain('warning');
    expect(r.stdout).toContain('acknowledged overlap');
    expect(r.code).toBe(0);
  });

  it('overlapOk silences the warning; an overlapOk with nothing to acknowledge is itself a warning', async () => {
    const base = `name: ov\ndescription: t\nrules:\n  - id: wide\n    hosts: ['*.example.org']\n    ports: [443]\n    provenance: { document: test }\n`;
    const narrow = (ack: string): string =>
      `  - id: narrow\n    hosts: [a.example.org]\n    ports: [443]\n${ack}    provenance: { document: test }\n`;
    const odir = join(dir, 'overlap');
    await mkdir(odir, { recursive: true });
    await writeFile(join(odir, 'ov.yaml'), base + narrow(''));
    expect((await runCli(['lint', join(odir, 'ov.yaml')])).code).toBe(1);
    await writeFile(join(odir, 'ov.yaml'), base + narrow('    overlapOk: the document lists it\n'));
    const ok = await runCli(['lint', join(odir, 'ov.yaml')]);
    expect(ok.stdout).toContain('ok (1 acknowledged overlap(s))');
    expect(ok.code).toBe(0);
    const stale =
      base.replace("'*.example.org'", 'b.example.org') + narrow('    overlapOk: no longer true\n');
    await writeFile(join(odir, 'ov.yaml'), stale);
    const r = await runCli(['lint', join(odir, 'ov.yaml')]);
    expect(r.stdout).toMatch(
      /ov\.yaml:11: warning: rule 'narrow' says overlapOk, but no broader rule covers it/,
    );
    expect(r.code).toBe(1);
  });
});

describe('check against a serve config', () => {
  const config = (groups: string): string => `policies: ${FIXTURES}\nclientGroups:\n${groups}`;

  it('--config FILE --client ADDR answers as that client group would', async () => {
    const file = join(dir, 'groups.yaml');
    await writeFile(
      file,
      config(
        '  - name: arc\n    cidrs: [10.1.0.0/16]\n    profiles: [sample]\n    parameters: { region: northeurope }\n' +
          '  - name: web\n    cidrs: [10.2.0.0/16]\n    profiles: [other]\n    mode: report\n',
      ),
    );
    const targets = ['northeurope.dp.kubernetesconfiguration.azure.com:443', 'other.example.org:443'];
    const arc = await runCli(['check', '--config', file, '--client', '10.1.2.3', ...targets]);
    expect(arc.stdout.trimEnd().split('\n')).toEqual([
      'allow northeurope.dp.kubernetesconfiguration.azure.com:443 sample/regional (group arc)',
      'deny other.example.org:443 no_matching_rule (group arc)',
    ]);
    expect(arc.code).toBe(1);
    const web = await runCli(['check', '--config', file, '--client', '10.2.0.9', ...targets]);
    expect(web.stdout.trimEnd().split('\n')).toEqual([
      'report northeurope.dp.kubernetesconfiguration.azure.com:443 no_matching_rule (group web)',
      'allow other.example.org:443 other/only (group web)',
    ]);
    const none = await runCli(['check', '--config', file, '--client', '192.0.2.1', 'other.example.org:443']);
    expect(none.stdout).toBe('deny other.example.org:443 client_not_allowed\n');
    expect(none.code).toBe(1);
  });

  it('a group missing a parameter names the config file, line and group', async () => {
    const file = join(dir, 'missing.yaml');
    await writeFile(
      file,
      config(
        '  - name: first\n    cidrs: [10.0.0.0/8]\n    profiles: [other]\n  - name: edge\n    cidrs: [192.168.0.0/16]\n    profiles: [sample]\n',
      ),
    );
    const r = await runCli(['check', '--config', file, '--client', '192.168.1.1', 'a.example.org:443']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:6: client group 'edge': profile 'sample' needs parameter 'region'`);
    expect(r.stderr).toContain("add 'region: VALUE' under the group's 'parameters'");
    expect(r.stderr).not.toContain('--set');
    // serve, the real gateway, says the same before it binds anything.
    const serve = await runCli([
      'serve',
      '--config',
      file,
      '--listen',
      '127.0.0.1:0',
      '--admin',
      '127.0.0.1:0',
    ]);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain(
      `${file}:6: client group 'edge': profile 'sample' needs parameter 'region'`,
    );
  });

  it('a misspelt group parameter points at its line with a suggestion', async () => {
    const file = join(dir, 'typo.yaml');
    await writeFile(
      file,
      config(
        '  - name: edge\n    cidrs: [10.0.0.0/8]\n    profiles: [sample]\n    parameters:\n      regon: westeurope\n',
      ),
    );
    const r = await runCli(['check', '--config', file, '--client', '10.0.0.1', 'a.example.org:443']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`${file}:7: client group 'edge': parameter regon: .*did you mean 'region'\\?`),
    );
  });

  it.each([
    [
      'a bad CIDR',
      '  - name: a\n    cidrs: [10.0.0.0/8, 10.300.0.0/16]\n    profiles: [other]\n',
      /:4: client group a: invalid CIDR "10\.300\.0\.0\/16"/,
    ],
    [
      'a duplicate group',
      '  - name: a\n    cidrs: [10.0.0.0/8]\n    profiles: [other]\n  - name: a\n    cidrs: [10.1.0.0/16]\n    profiles: [other]\n',
      /:6: client group "a" is defined twice \(first at line 3\)/,
    ],
  ])('%s names the file and line', async (_what, groups, message) => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, config(groups));
    for (const args of [
      ['check', '--config', file, '--client', '10.0.0.1', 'a.example.org:443'],
      ['serve', '--config', file, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('usage errors and suggestions', () => {
  it.each([
    [
      ['check', '-p', 'azure-arc-kubernets', 'a.example.org:443'],
      /no profile 'azure-arc-kubernets' .*did you mean 'azure-arc-kubernetes'\?/,
    ],
    [
      ['check', '-p', 'azure-arc-kubernetes', '--set', 'regon=westeurope', 'a:443'],
      /did you mean 'region'\?/,
    ],
    [
      ['check', '-p', 'azure-arc-kubernetes', '--set', 'region=West Europe', 'a:443'],
      /'West Europe'.*did you mean 'westeurope'\?/,
    ],
    [
      ['check', '-p', 'azure-arc-kubernetes', '--set', 'region=westeurope', 'management.azure.com'],
      /'management\.azure\.com' has no port: write HOST:PORT or a URL/,
    ],
    [
      ['check', '--client', '10.0.0.1', '-p', 'other', 'a:443'],
      /--client and --user pick a client group of a serve config/,
    ],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const r = await runCli(args);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('a portless target on stdin is a usage error too, after the others are answered', async () => {
    const r = await runCli(['check', '--policies', FIXTURES, '-p', 'other', '-'], {
      stdin: 'other.example.org:443\nother.example.org\n',
    });
    expect(r.stdout).toBe('allow other.example.org:443 other/only\n');
    expect(r.stderr).toContain("'other.example.org' has no port");
    expect(r.code).toBe(2);
  });

  it('check of an unproxied row says where it belongs', async () => {
    const udir = join(dir, 'unproxied');
    await mkdir(udir, { recursive: true });
    await writeFile(
      join(udir, 'fw.yaml'),
      profile(
        'fw',
        'www.example.org',
        'parameters:\n  ntp_servers: { description: NTP, type: list, default: [] }\n',
      ) +
        'unproxied:\n' +
        "  - { id: ntp, protocol: udp, destinations: ['{ntp_servers}'], ports: [123], provenance: { document: test } }\n" +
        "  - { id: dns, protocol: tcp/udp, destinations: ['10.0.0.0/24'], ports: [53], provenance: { document: test } }\n",
    );
    const r = await runCli([
      'check',
      '--policies',
      udir,
      '-p',
      'fw',
      '--set',
      'ntp_servers=time.example.org',
      'time.example.org:123',
      '10.0.0.53:53',
      'time.example.org:443',
      '--json',
    ]);
    expect(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    ).toMatchObject([
      { verdict: 'deny', reason: 'unproxied', profile: 'fw', rule: 'ntp' },
      { verdict: 'deny', reason: 'unproxied', profile: 'fw', rule: 'dns' },
      { verdict: 'deny', reason: 'no_matching_rule', rule: null },
    ]);
    const text = await runCli([
      'check',
      '--policies',
      udir,
      '-p',
      'fw',
      '--set',
      'ntp_servers=time.example.org',
      'time.example.org:123',
    ]);
    expect(text.stdout).toBe('deny time.example.org:123 unproxied: open on the firewall (rule ntp)\n');
    expect(text.code).toBe(1);
  });
});
