import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { arcKubernetesRows, otherCloudNames } from './arc-kubernetes-rows.js';
import { describeDocumentTable } from './describe-document-table.js';
import type { DocumentRow } from './document-row.js';

const DATA = '003 Azure Arc-enabled data services';

// "requirements specific to Azure Arc-enabled data services, in addition to the Arc-enabled Kubernetes
// endpoints listed above": the Kubernetes rows apply as well.
const dataServicesRows: readonly DocumentRow[] = [
  {
    entry: `${DATA} | Helm chart (direct connected mode only) | 443 | arcdataservicesrow1.azurecr.io`,
    names: ['arcdataservicesrow1.azurecr.io'],
    ports: [443],
  },
  {
    entry: `${DATA} | Azure monitor APIs * | 443 | *.ods.opinsights.azure.com *.oms.opinsights.azure.com *.monitoring.azure.com`,
    names: ['*.ods.opinsights.azure.com', '*.oms.opinsights.azure.com', '*.monitoring.azure.com'],
    ports: [443],
  },
  {
    entry: `${DATA} | Azure Arc data processing service * | 443 | san-af-<region>-prod.azurewebsites.net`,
    names: ['san-af-<region>-prod.azurewebsites.net'],
    ports: [443],
  },
];

describeDocumentTable('azure-arc-data-services, region=eastus2 (003)', {
  profiles: ['azure-arc-data-services'],
  parameters: { region: 'eastus2' },
  cloud: 'public',
  placeholders: { region: 'eastus2' },
  rows: [...arcKubernetesRows, ...dataServicesRows],
  foreignNames: [
    ...otherCloudNames,
    // 003's own example: san-af-<region>-prod.azurewebsites.net "should be san-af-eastus2-prod.azurewebsites.net"
    'san-af-westeurope-prod.azurewebsites.net',
    'san-af--prod.azurewebsites.net',
    'arcdataservicesrow2.azurecr.io',
    'ods.opinsights.azure.com',
  ],
});

describe('azure-arc-data-services parameters', () => {
  it('refuses to load without region', async () => {
    await expect(
      loadPolicy({ dir: 'policies', profiles: ['azure-arc-data-services'], parameters: {} }),
    ).rejects.toMatchObject({ name: 'PolicyError', code: 'PARAMETER_MISSING', message: /'region'/ });
  });
});
