import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { buildServiceTagProfile } from '../../src/servicetags/build-service-tag-profile.js';
import { parseServiceTags } from '../../src/servicetags/parse-service-tags.js';
import { selectServiceTags } from '../../src/servicetags/select-service-tags.js';
import { runCli } from '../support/run-cli.js';

const sample = fileURLToPath(
  new URL('../fixtures/servicetags/ServiceTags_Public.sample.json', import.meta.url),
);

describe('servicetags import', () => {
  let tmp = '';
  let text = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'egressgate-servicetags-'));
    text = await readFile(sample, 'utf8');
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  async function load(name: string, yaml: string): ReturnType<typeof loadPolicy> {
    await writeFile(join(tmp, `${name}.yaml`), yaml);
    return loadPolicy({ dir: tmp, profiles: [name], parameters: {} });
  }

  it('writes a profile the policy loader accepts; IP literals in the tag ranges are allowed, others not', async () => {
    const file = parseServiceTags(text, 'ServiceTags_Public.sample.json');
    const tags = selectServiceTags(file, ['AzureArcInfrastructure', 'azurecloud.westeurope']);
    const yaml = buildServiceTagProfile(file, tags, {
      name: 'arc-tags',
      sourceFile: 'ServiceTags_Public.sample.json',
      ports: ['443', '8084'],
    });
    const policy = await load('arc-tags', yaml);
    const verdict = (host: string, port = 443): string => {
      const d = decide(policy, { host, port }, 'enforce');
      return d.verdict === 'allow' ? `allow ${d.rule}` : `deny ${d.reason}`;
    };
    expect(verdict('203.0.113.130')).toBe('allow servicetag-azurearcinfrastructure');
    expect(verdict('[2001:db8:30::7]', 8084)).toBe('allow servicetag-azurearcinfrastructure');
    expect(verdict('192.0.2.5')).toBe('allow servicetag-azurecloud-westeurope');
    // In AzureCloud (global) but not in the westeurope subset that was asked for.
    expect(verdict('198.51.100.5')).toBe('deny ip_literal');
    expect(verdict('203.0.113.130', 80)).not.toMatch(/^allow/);
  });

  it('names the file changeNumber and the tag in the provenance', () => {
    const file = parseServiceTags(text, 'x.json');
    const yaml = buildServiceTagProfile(file, selectServiceTags(file, ['ApiManagement.westeurope']), {
      name: 'apim-tags',
      sourceFile: 'x.json',
      ports: [],
    });
    const doc = parseYaml(yaml) as {
      rules: { id: string; cidrs: string[]; ports: unknown[]; provenance: Record<string, string> }[];
    };
    expect(doc.rules).toEqual([
      expect.objectContaining({
        id: 'servicetag-apimanagement-westeurope',
        cidrs: ['192.0.2.32/29', '2001:db8:10:2::/64'],
        ports: [443],
        provenance: {
          document: 'servicetags',
          section: 'x.json changeNumber 312',
          entry: 'ApiManagement.westeurope changeNumber 9',
        },
      }),
    ]);
  });

  it('accepts the byte-order mark the published file starts with', () => {
    expect(parseServiceTags(`\uFEFF${text}`, 'f.json').values.length).toBe(15);
  });

  it.each([
    ['not json', /f\.json: not JSON/],
    ['[]', /not a JSON object/],
    ['{"changeNumber":1}', /no 'values' list/],
    ['{"values":[{"name":"X"}]}', /values\[0\] \(X\) has no properties/],
    [
      '{"values":[{"name":"X","properties":{"addressPrefixes":[1]}}]}',
      /addressPrefixes \(X\) is not a list of strings/,
    ],
  ])('rejects a file that is not service tags: %s', (bad, message) => {
    expect(() => parseServiceTags(bad, 'f.json')).toThrow(message);
  });

  it('lists near names for an unknown tag or region and refuses an empty tag', () => {
    const file = parseServiceTags(text, 'f.json');
    expect(() => selectServiceTags(file, ['AzureCloud.eastus'])).toThrow(
      /no service tag 'AzureCloud.eastus'.*AzureCloud, AzureCloud.westeurope/,
    );
    const empty = parseServiceTags(
      '{"values":[{"name":"Empty","properties":{"addressPrefixes":[]}}]}',
      'f.json',
    );
    expect(() => selectServiceTags(empty, ['Empty'])).toThrow(/no address prefixes/);
  });

  it('CLI: writes NAME.yaml with --out, and refuses a file name the loader would not find', async () => {
    const out = join(tmp, 'hci-tags.yaml');
    const ok = await runCli([
      'servicetags',
      'import',
      sample,
      '--tag',
      'AzureResourceManager',
      '--tag',
      'AzureActiveDirectory',
      '--ports',
      '443',
      '--out',
      out,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('hci-tags: 2 rule(s), 6 prefixes (4 IPv4, 2 IPv6) from changeNumber 312');
    const policy = await loadPolicy({ dir: tmp, profiles: ['hci-tags'], parameters: {} });
    expect(policy.rules.map((r) => r.id)).toEqual([
      'servicetag-azureresourcemanager',
      'servicetag-azureactivedirectory',
    ]);

    const mismatch = await runCli([
      'servicetags',
      'import',
      sample,
      '--tag',
      'Sql.westeurope',
      '--name',
      'sql',
      '--out',
      join(tmp, 'other.yaml'),
    ]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain("finds profile 'sql' only in a file named sql.yaml");
  });

  it.each([
    [['--tag', 'NoSuchTag'], /no service tag 'NoSuchTag'/],
    [['--tag', 'Sql.westeurope', '--ports', 'https'], /ports are numbers or ranges/],
    [['--tag', 'Sql.westeurope', '--ports', '70000'], /out of range/],
  ])('CLI: exits 2 on bad input %#', async (args, message) => {
    const r = await runCli(['servicetags', 'import', sample, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('CLI: exits 2 for a missing file', async () => {
    const r = await runCli(['servicetags', 'import', join(tmp, 'nope.json'), '--tag', 'AzureCloud']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.json/);
  });
});
