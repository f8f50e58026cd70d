import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { repoRoot, runCli } from '../support/run-cli.js';

// The published file's shape with documentation ranges, one /28 per tag (Microsoft writes CamelCase regions).
const tags = [
  'Storage.WestEurope',
  'Storage.WestUS',
  'Sql.WestEurope',
  'EventHub.WestEurope',
  'AzureKeyVault',
  'AzureActiveDirectory',
  'AzureConnectors',
  'AzureMonitor',
  'AzureCloud',
];
const addressOf = (tag: string): string => `198.51.100.${tags.indexOf(tag) * 16 + 3}`;

let dir: string;
let file: string;
let policies: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'egressgate-import-profile-'));
  file = join(dir, 'ServiceTags_Public_20260105.json');
  writeFileSync(
    file,
    JSON.stringify({
      changeNumber: 77,
      cloud: 'Public',
      values: tags.map((name, i) => ({
        name,
        id: name,
        properties: { changeNumber: 5, region: '', addressPrefixes: [`198.51.100.${i * 16}/28`] },
      })),
    }),
  );
  // The shipped profiles plus the generated one, as an operator's second policies directory would hold it.
  policies = join(dir, 'policies');
  cpSync(join(repoRoot, 'policies'), policies, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('servicetags import --profile', () => {
  it('writes one CIDR rule per service-tag rule of the profile, with that rule ports (004 Required ports)', async () => {
    const out = join(policies, 'apim-tags.yaml');
    const r = await runCli([
      ...['servicetags', 'import', file, '--profile', 'azure-api-management'],
      ...['--set', 'region=westeurope', '--out', out],
    ]);
    expect(r.stderr).toContain('apim-tags: 9 rule(s), 9 prefixes (9 IPv4, 0 IPv6) from changeNumber 77');
    expect(r.code).toBe(0);
    // Loaded beside the profile, without the Service Tags file: the tag rows now pass by CIDR.
    const policy = await loadPolicy({
      dir: policies,
      profiles: ['azure-api-management', 'apim-tags'],
      parameters: { region: 'westeurope' },
    });
    const verdict = (tag: string, port: number): string =>
      decide(policy, { host: addressOf(tag), port }, 'enforce').verdict;
    // "* / 1433 | Outbound | TCP | VirtualNetwork / Sql", regional.
    expect(verdict('Sql.WestEurope', 1433)).toBe('allow');
    expect(verdict('Sql.WestEurope', 443)).toBe('deny');
    // "* / 5671, 5672, 443 | ... / EventHub"
    expect([5671, 5672, 443].map((p) => verdict('EventHub.WestEurope', p))).toEqual([
      'allow',
      'allow',
      'allow',
    ]);
    // Storage.WestUS: publishing the developer portal, 443 only (445 is the regional file share row).
    expect(verdict('Storage.WestUS', 443)).toBe('allow');
    expect(verdict('Storage.WestUS', 445)).toBe('deny');
    expect(verdict('Storage.WestEurope', 445)).toBe('allow');
    // AzureCloud is the stv1 table's row only.
    expect(verdict('AzureCloud', 12000)).toBe('deny');
    const sql = policy.rules.find((rule) => rule.id === 'azure-api-management-servicetag-sql');
    expect(sql).toMatchObject({ protocol: 'tcp', ports: ['1433'] });
    expect(sql?.provenance.note).toMatch(/Sql\.WestEurope changeNumber 5/);
  });

  it('adds AzureCloud 443 and 12000 for platform=stv1', async () => {
    const r = await runCli([
      ...['servicetags', 'import', file, '--profile', 'azure-api-management'],
      ...['--set', 'region=westeurope', '--set', 'platform=stv1'],
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('id: azure-api-management-servicetag-azure-cloud-stv1');
    expect(r.stdout).toMatch(/198\.51\.100\.128\/28\n\s+ports:\n\s+- 443\n\s+- 12000/);
  });

  it('refuses --tag and --profile together, and a profile without service-tag rules', async () => {
    const both = await runCli([
      'servicetags',
      'import',
      file,
      '--tag',
      'Sql',
      '--profile',
      'azure-arc-servers',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/one of the two/);
    const none = await runCli([
      ...['servicetags', 'import', file, '--profile', 'azure-arc-servers', '--set', 'region=eastus2'],
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no active rule of azure-arc-servers names a service tag/);
  });

  it('names a regional tag the file lacks', async () => {
    const r = await runCli([
      ...['servicetags', 'import', file, '--profile', 'azure-api-management', '--set', 'region=northeurope'],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'Storage\.northeurope'.*Storage\.WestEurope/);
  });
});
