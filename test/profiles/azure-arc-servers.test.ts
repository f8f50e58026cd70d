import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { otherCloudNames } from './arc-kubernetes-rows.js';
import { arcServersRows } from './arc-servers-rows.js';
import { describeDocumentTable } from './describe-document-table.js';

describeDocumentTable('azure-arc-servers, region=eastus2 (003)', {
  profiles: ['azure-arc-servers'],
  parameters: { region: 'eastus2' },
  cloud: 'public',
  placeholders: { region: 'eastus2' },
  rows: arcServersRows,
  foreignNames: [
    ...otherCloudNames,
    'telemetry.westeurope.arcdataservices.com',
    'san-af-westeurope-prod.azurewebsites.net',
    // Arc-enabled Kubernetes names that the servers table does not list.
    'mcr.microsoft.com',
    'eastus2.dp.kubernetesconfiguration.azure.com',
  ],
});

describe('azure-arc-servers', () => {
  it('refuses to load without region', async () => {
    await expect(
      loadPolicy({ dir: 'policies', profiles: ['azure-arc-servers'], parameters: {} }),
    ).rejects.toMatchObject({ name: 'PolicyError', code: 'PARAMETER_MISSING', message: /'region'/ });
  });

  it('lists the documented service tags as unproxied firewall openings', async () => {
    const policy = await loadPolicy({
      dir: 'policies',
      profiles: ['azure-arc-servers'],
      parameters: { region: 'eastus2' },
    });
    // 003 "Service tags": "Be sure to allow access to the following Service Tags".
    const tags = policy.unproxied.flatMap((u) => u.destinations);
    expect(tags).toEqual(
      expect.arrayContaining([
        'servicetag:AzureActiveDirectory',
        'servicetag:AzureTrafficManager',
        'servicetag:AzureResourceManager',
        'servicetag:AzureArcInfrastructure',
        'servicetag:Storage',
        'servicetag:WindowsAdminCenter',
      ]),
    );
    expect(policy.unproxied.every((u) => u.ports.join() === '443')).toBe(true);
    // A service tag is an IP range: no name rule may stand in for it.
    expect(decide(policy, { host: 'AzureArcInfrastructure', port: 443 }, 'enforce').verdict).toBe('deny');
  });
});
