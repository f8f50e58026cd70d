import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { arcKubernetesRows, otherCloudNames } from './arc-kubernetes-rows.js';
import { describeDocumentTable } from './describe-document-table.js';

describeDocumentTable('azure-arc-kubernetes, region=westeurope (003)', {
  profiles: ['azure-arc-kubernetes'],
  parameters: { region: 'westeurope' },
  cloud: 'public',
  placeholders: { region: 'westeurope' },
  rows: arcKubernetesRows,
  foreignNames: [
    ...otherCloudNames,
    // Another region's regional endpoints: 003 says the region segment is the cluster's region.
    'eastus2.dp.kubernetesconfiguration.azure.com',
    'eastus2.login.microsoft.com',
    'eastus2.obo.arc.azure.com',
    'dp.kubernetesconfiguration.azure.com',
  ],
});

describe('azure-arc-kubernetes parameters', () => {
  it('refuses to load without region, naming the parameter', async () => {
    const loading = loadPolicy({ dir: 'policies', profiles: ['azure-arc-kubernetes'], parameters: {} });
    await expect(loading).rejects.toBeInstanceOf(PolicyError);
    await expect(loading).rejects.toMatchObject({ code: 'PARAMETER_MISSING', message: /'region'/ });
  });

  it('refuses a region with spaces (003: "remove all spaces from the Azure region name")', async () => {
    const loading = loadPolicy({
      dir: 'policies',
      profiles: ['azure-arc-kubernetes'],
      parameters: { region: 'East US 2' },
    });
    await expect(loading).rejects.toMatchObject({ code: 'PARAMETER_INVALID', message: /'region'/ });
  });

  it('has no cloud parameter: 003 documents only the public cloud', async () => {
    const loading = loadPolicy({
      dir: 'policies',
      profiles: ['azure-arc-kubernetes'],
      parameters: { region: 'eastus2', cloud: 'usgov' },
    });
    await expect(loading).rejects.toMatchObject({ code: 'PARAMETER_UNDECLARED', message: /cloud/ });
  });

  it('puts the region into the regional names (eastus2 example in 003)', async () => {
    const policy = await loadPolicy({
      dir: 'policies',
      profiles: ['azure-arc-kubernetes'],
      parameters: { region: 'eastus2' },
    });
    const verdict = (host: string, port: number): string => decide(policy, { host, port }, 'enforce').verdict;
    expect(verdict('eastus2.dp.kubernetesconfiguration.azure.com', 443)).toBe('allow');
    expect(verdict('westeurope.dp.kubernetesconfiguration.azure.com', 443)).toBe('deny');
    expect(verdict('eastus2.obo.arc.azure.com', 8084)).toBe('allow');
    expect(verdict('eastus2.obo.arc.azure.com', 443)).toBe('deny');
  });
});
