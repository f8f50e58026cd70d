import { describe, expect, it } from 'vitest';
import type { CompiledPolicy } from '../../src/policy/compiled-policy.js';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import type { ServiceTagsFile } from '../../src/servicetags/parse-service-tags.js';

/**
 * 004 "Required ports" outbound rows to service tags (both tabs), copied by hand; `regional` from
 * "Regional service tags" (Storage, SQL and Event Hubs may use the tag of the instance's region), and
 * "Publishing the developer portal" (Storage.WestUS, for any region).
 */
interface TagRow {
  readonly entry: string;
  readonly tag: string;
  readonly ports: readonly number[];
  readonly regional: boolean;
  readonly platforms: readonly ('stv1' | 'stv2')[];
}
const both = ['stv1', 'stv2'] as const;
const tagRows: readonly TagRow[] = [
  {
    entry: '* / 443 | VirtualNetwork / Storage',
    tag: 'Storage',
    ports: [443],
    regional: true,
    platforms: both,
  },
  {
    entry: '* / 443 | VirtualNetwork / AzureActiveDirectory',
    tag: 'AzureActiveDirectory',
    ports: [443],
    regional: false,
    platforms: both,
  },
  {
    entry: '* / 443 | VirtualNetwork / AzureConnectors',
    tag: 'AzureConnectors',
    ports: [443],
    regional: false,
    platforms: both,
  },
  { entry: '* / 1433 | VirtualNetwork / Sql', tag: 'Sql', ports: [1433], regional: true, platforms: both },
  {
    entry: '* / 443 | VirtualNetwork / AzureKeyVault',
    tag: 'AzureKeyVault',
    ports: [443],
    regional: false,
    platforms: both,
  },
  {
    entry: '* / 5671, 5672, 443 | VirtualNetwork / EventHub',
    tag: 'EventHub',
    ports: [5671, 5672, 443],
    regional: true,
    platforms: both,
  },
  {
    entry: '* / 445 | VirtualNetwork / Storage',
    tag: 'Storage',
    ports: [445],
    regional: true,
    platforms: both,
  },
  {
    entry: '* / 1886, 443 | VirtualNetwork / AzureMonitor',
    tag: 'AzureMonitor',
    ports: [1886, 443],
    regional: false,
    platforms: both,
  },
  {
    entry: '(stv1 tab) * / 443, 12000 | VirtualNetwork / AzureCloud',
    tag: 'AzureCloud',
    ports: [443, 12000],
    regional: false,
    platforms: ['stv1'],
  },
  {
    entry: 'Publishing the developer portal | Storage.WestUS',
    tag: 'Storage.WestUS',
    ports: [443],
    regional: false,
    platforms: both,
  },
];

// A Service Tags file as Microsoft publishes it (region names in CamelCase), with one documentation-range
// block per tag, so each address belongs to exactly one tag.
const tagNames = [
  'Storage.WestUS',
  'Storage.EastUS2',
  'Storage.WestEurope',
  'Sql.WestUS',
  'Sql.EastUS2',
  'Sql.WestEurope',
  'EventHub.WestUS',
  'EventHub.EastUS2',
  'EventHub.WestEurope',
  'AzureActiveDirectory',
  'AzureConnectors',
  'AzureKeyVault',
  'AzureMonitor',
  'AzureCloud',
];
const addressOf = (tag: string): string => `198.51.100.${tagNames.indexOf(tag) * 16 + 1}`;
const serviceTags: ServiceTagsFile = {
  changeNumber: 7,
  cloud: 'Public',
  values: tagNames.map((name, i) => ({
    name,
    changeNumber: 1,
    region: name.split('.')[1]?.toLowerCase() ?? '',
    systemService: '',
    addressPrefixes: [`198.51.100.${i * 16}/28`, `2001:db8:${i + 1}::/48`],
  })),
};

const PROBE_PORTS = [443, 445, 1433, 1886, 5671, 5672, 12000, 22, 80, 3443];

/** What 004 says about an address in `tag`'s range on `port`, for these regions and platform. */
function documented(
  tag: string,
  port: number,
  regions: readonly string[],
  platform: 'stv1' | 'stv2',
): boolean {
  return tagRows.some((row) => {
    if (!row.platforms.includes(platform) || !row.ports.includes(port)) return false;
    const names = row.regional ? regions.map((r) => `${row.tag}.${r}`) : [row.tag];
    return names.some((n) => n.toLowerCase() === tag.toLowerCase());
  });
}

const cases = [
  { regions: ['westus'], platform: 'stv2' },
  { regions: ['eastus2'], platform: 'stv2' },
  { regions: ['eastus2', 'westus'], platform: 'stv1' },
] as const;

for (const { regions, platform } of cases) {
  describe(`azure-api-management with a Service Tags file, region=${regions.join(',')}, platform=${platform} (004)`, () => {
    const load = (): Promise<CompiledPolicy> =>
      loadPolicy({
        dir: 'policies',
        profiles: ['azure-api-management'],
        parameters: { region: regions.join(','), platform },
        serviceTags,
      });

    it('decides each tag range on each port as the Required ports rows say', async () => {
      const policy = await load();
      const mismatches = tagNames.flatMap((tag) =>
        PROBE_PORTS.flatMap((port) => {
          for (const host of [addressOf(tag), `2001:db8:${tagNames.indexOf(tag) + 1}::5`]) {
            const want = documented(tag, port, regions, platform) ? 'allow' : 'deny';
            const got = decide(policy, { host, port }, 'enforce').verdict;
            if (want !== got) return [`${tag} ${host}:${port} documented ${want}, engine ${got}`];
          }
          return [];
        }),
      );
      expect(mismatches).toEqual([]);
    });

    it('marks the rows whose port names no server as protocol tcp', async () => {
      const policy = await load();
      const sql = policy.rules.find((r) => r.id === 'servicetag-sql');
      expect(sql).toMatchObject({ protocol: 'tcp', ports: ['1433'] });
      expect(sql?.servicetags).toEqual(regions.map((r) => `Sql.${r}`));
    });
  });
}

describe('service tag rows', () => {
  it('refuses a region whose tag the file lacks, naming the tag and near matches', async () => {
    await expect(
      loadPolicy({
        dir: 'policies',
        profiles: ['azure-api-management'],
        parameters: { region: 'northeurope' },
        serviceTags,
      }),
    ).rejects.toMatchObject({
      code: 'SERVICE_TAG_NOT_FOUND',
      message: /servicetag-storage.*'Storage\.northeurope'.*Storage\.WestUS/,
    });
  });

  it('does not propose AzureCloud (all of Azure) on stv2, the default', async () => {
    const policy = await loadPolicy({
      dir: 'policies',
      profiles: ['azure-api-management'],
      parameters: { region: 'westus' },
      serviceTags,
    });
    expect(policy.inactive.find((r) => r.id === 'servicetag-azure-cloud-stv1')?.why).toBe(
      'only for platform stv1 (platform is stv2)',
    );
    expect(decide(policy, { host: addressOf('AzureCloud'), port: 12000 }, 'enforce').verdict).toBe('deny');
  });
});
