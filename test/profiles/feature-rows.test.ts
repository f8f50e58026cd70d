import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { otherCloudNames, arcKubernetesRows } from './arc-kubernetes-rows.js';
import { arcServersRows } from './arc-servers-rows.js';
import { selectByFeatures, type ConditionalRow } from './conditional-rows.js';
import { describeDocumentTable } from './describe-document-table.js';
import type { DocumentRow } from './document-row.js';
import { stackHciRows } from './stack-hci-rows.js';

// 003 Azure Arc-enabled servers / URLs, "When required" column, read row by row.
const serversConditions: Readonly<Record<string, ConditionalRow>> = {
  '*.servicebus.windows.net': {
    documentSays: 'If using SSH or Windows Admin Center from Azure',
    features: ['ssh', 'wac'],
  },
  '*.waconazure.com': { documentSays: 'If using Windows Admin Center', features: ['wac'] },
  'san-af-<region>-prod.azurewebsites.net': {
    documentSays: 'For SQL Server enabled by Azure Arc',
    features: ['sql'],
  },
  // "When required: Always", but the description is "For Arc SQL Server": only where SQL Server runs.
  'telemetry.<region>.arcdataservices.com': { documentSays: 'For Arc SQL Server', features: ['sql'] },
  'microsoft.com': { documentSays: 'ESUs enabled by Azure Arc', features: ['esu'] },
};

// 003 Azure Arc-enabled Kubernetes endpoints, Description column.
const kubernetesConditions: Readonly<Record<string, ConditionalRow>> = {
  'guestnotificationservice.azure.com': {
    documentSays: 'For Cluster Connect and for Custom Location based scenarios',
    features: ['cluster-connect', 'custom-locations'],
  },
  '*.servicebus.windows.net': {
    documentSays: 'For Cluster Connect and for Custom Location based scenarios',
    features: ['cluster-connect', 'custom-locations'],
  },
  'graph.microsoft.com': { documentSays: 'Required when Azure RBAC is configured', features: ['rbac'] },
  '<region>.obo.arc.azure.com': {
    documentSays: 'Required when Cluster Connect is configured',
    features: ['cluster-connect'],
  },
  'dl.k8s.io': {
    documentSays: 'Required when automatic agent upgrade is enabled',
    features: ['auto-upgrade'],
  },
};

const byFirstName =
  (table: Readonly<Record<string, ConditionalRow>>) =>
  (row: DocumentRow): ConditionalRow | undefined =>
    table[row.names[0] ?? ''];

// 002: the "Connectivity recommendations" table is advice; Microsoft Update and daily access are required.
const hciCondition = (row: DocumentRow): ConditionalRow | undefined =>
  row.entry.startsWith('002 Connectivity recommendations')
    ? { documentSays: 'Connectivity recommendations', features: ['recommendations'] }
    : undefined;

const region = { region: 'eastus2' };

for (const features of [[], ['ssh'], ['wac'], ['sql', 'esu']]) {
  const { rows, others } = selectByFeatures(arcServersRows, byFirstName(serversConditions), features, region);
  describeDocumentTable(`azure-arc-servers, features=${features.join(',') || '(none)'} (003 When required)`, {
    profiles: ['azure-arc-servers'],
    parameters: { ...region, features: features.join(',') },
    cloud: 'public',
    placeholders: region,
    rows,
    foreignNames: [...others, ...otherCloudNames],
  });
}

for (const features of [[], ['cluster-connect'], ['custom-locations', 'rbac'], ['auto-upgrade']]) {
  const { rows, others } = selectByFeatures(
    arcKubernetesRows,
    byFirstName(kubernetesConditions),
    features,
    region,
  );
  describeDocumentTable(`azure-arc-kubernetes, features=${features.join(',') || '(none)'} (003)`, {
    profiles: ['azure-arc-kubernetes'],
    parameters: { ...region, features: features.join(',') },
    cloud: 'public',
    placeholders: region,
    rows,
    foreignNames: others,
  });
}

{
  const { rows, others } = selectByFeatures(stackHciRows, hciCondition, ['required-only'], {});
  describeDocumentTable('azure-stack-hci, features=required-only (002 without the recommendations)', {
    profiles: ['azure-stack-hci'],
    parameters: { features: 'required-only' },
    cloud: 'public',
    placeholders: {},
    rows,
    foreignNames: others,
  });
}

describe('feature parameters', () => {
  const load = (profiles: string[], parameters: Record<string, string>) =>
    loadPolicy({ dir: 'policies', profiles, parameters });

  it('refuses a feature no selected profile knows, naming the allowed ones', async () => {
    await expect(
      load(['azure-arc-servers'], { region: 'eastus2', features: 'ssh,rdp' }),
    ).rejects.toMatchObject({
      code: 'PARAMETER_INVALID',
      message: /'rdp'.*ssh, wac, sql, esu/,
    });
  });

  it('takes one features list for Arc servers and Kubernetes together, each using its own', async () => {
    const policy = await load(['azure-arc-servers', 'azure-arc-kubernetes'], {
      region: 'eastus2',
      features: 'esu,rbac',
    });
    const inactive = policy.inactive.map((r) => `${r.profile}/${r.id}`);
    expect(inactive).toEqual(
      expect.arrayContaining([
        'azure-arc-servers/ssh-wac-relay',
        'azure-arc-servers/sql-telemetry',
        'azure-arc-kubernetes/cluster-connect-obo',
        'azure-arc-kubernetes/agent-upgrade',
      ]),
    );
    expect(inactive).not.toContain('azure-arc-servers/esu-certificates');
    expect(inactive).not.toContain('azure-arc-kubernetes/graph-rbac');
  });

  it('says why a rule is off', async () => {
    const policy = await load(['azure-arc-servers'], { region: 'eastus2', features: 'esu' });
    expect(policy.inactive.find((r) => r.id === 'windows-admin-center')?.why).toBe(
      'only with features wac (features is esu)',
    );
  });
});
