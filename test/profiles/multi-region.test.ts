import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { apiManagementRows } from './api-management-rows.js';
import { arcKubernetesRows } from './arc-kubernetes-rows.js';
import { arcServersRows } from './arc-servers-rows.js';
import { expandRegions } from './conditional-rows.js';
import { describeDocumentTable } from './describe-document-table.js';

// Issue 11: one subnet with Arc machines in two regions is one client group: `region=eastus2,westeurope`
// opens every `<region>` row of the documents once for each region, and no third region.
const regions = ['eastus2', 'westeurope'];
const thirdRegion = (names: readonly string[]): string[] =>
  names.filter((n) => n.includes('<region>')).map((n) => n.replaceAll('<region>', 'westus3'));

for (const [profile, rows] of [
  ['azure-arc-kubernetes', arcKubernetesRows],
  ['azure-arc-servers', arcServersRows],
] as const) {
  describeDocumentTable(`${profile}, region=${regions.join(',')} (003)`, {
    profiles: [profile],
    parameters: { region: regions.join(',') },
    cloud: 'public',
    placeholders: {},
    rows: expandRegions(rows, regions),
    foreignNames: rows.flatMap((r) => thirdRegion(r.names)),
  });
}

describeDocumentTable(`azure-api-management, region=${regions.join(',')} (004)`, {
  profiles: ['azure-api-management'],
  parameters: { region: regions.join(',') },
  cloud: 'public',
  placeholders: {},
  rows: expandRegions(apiManagementRows, regions),
  foreignNames: apiManagementRows.flatMap((r) => thirdRegion(r.names)),
});

describe('multi-value region', () => {
  it('refuses an empty region list as missing', async () => {
    await expect(
      loadPolicy({ dir: 'policies', profiles: ['azure-arc-kubernetes'], parameters: { region: ' , ' } }),
    ).rejects.toMatchObject({ code: 'PARAMETER_MISSING', message: /'region'/ });
  });

  it('checks every region value against the pattern', async () => {
    await expect(
      loadPolicy({
        dir: 'policies',
        profiles: ['azure-arc-kubernetes'],
        parameters: { region: 'eastus2,West Europe' },
      }),
    ).rejects.toMatchObject({ code: 'PARAMETER_INVALID', message: /'West Europe'/ });
  });

  it('opens the Cluster Connect port 8084 in each region', async () => {
    const policy = await loadPolicy({
      dir: 'policies',
      profiles: ['azure-arc-kubernetes'],
      parameters: { region: regions.join(',') },
    });
    for (const r of regions) {
      expect(decide(policy, { host: `${r}.obo.arc.azure.com`, port: 8084 }, 'enforce').verdict).toBe('allow');
    }
  });
});
