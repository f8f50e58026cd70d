import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { apiManagementRows } from './api-management-rows.js';
import { describeDocumentTable } from './describe-document-table.js';

const foreignNames = [
  'westeurope.login.microsoft.com',
  'login.microsoft.com',
  'management.azure.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'hip.live.com',
  'other.hip.live.com',
  'data.microsoft.com',
  'x.wdcp.microsoft.com',
];

for (const cloud of ['public', 'usgov', 'china'] as const) {
  describeDocumentTable(`azure-api-management, region=westus, cloud=${cloud} (004)`, {
    profiles: ['azure-api-management'],
    parameters: cloud === 'public' ? { region: 'westus' } : { region: 'westus', cloud },
    cloud,
    placeholders: { region: 'westus' },
    rows: apiManagementRows,
    foreignNames,
  });
}

describe('azure-api-management specifics', () => {
  const load = (parameters: Record<string, string>) =>
    loadPolicy({ dir: 'policies', profiles: ['azure-api-management'], parameters });

  it('refuses to load without region, naming it', async () => {
    await expect(load({})).rejects.toMatchObject({
      name: 'PolicyError',
      code: 'PARAMETER_MISSING',
      message: /'region'/,
    });
  });

  it('refuses cloud=germany, which 004 does not document', async () => {
    await expect(load({ region: 'westus', cloud: 'germany' })).rejects.toMatchObject({
      code: 'PARAMETER_INVALID',
    });
  });

  it('follows the per-cloud monitoring lists exactly (21Vianet has no prod3-black, public no prod5)', async () => {
    const verdict = async (cloud: string, host: string): Promise<string> =>
      decide(await load({ region: 'westus', cloud }), { host, port: 443 }, 'enforce').verdict;
    expect(await verdict('china', 'prod3-black.prod.microsoftmetrics.com')).toBe('deny');
    expect(await verdict('public', 'prod3-black.prod.microsoftmetrics.com')).toBe('allow');
    expect(await verdict('public', 'prod5.prod.microsoftmetrics.com')).toBe('deny');
    expect(await verdict('usgov', 'prod5.prod.microsoftmetrics.com')).toBe('allow');
    expect(await verdict('usgov', 'gcs.prod.monitoring.core.windows.net')).toBe('deny');
    expect(await verdict('usgov', 'gcs.prod.warm.ingestion.monitoring.azure.us')).toBe('allow');
    expect(await verdict('public', 'gcs.prod.warm.ingestion.monitoring.azure.us')).toBe('deny');
  });

  it('keeps the Required ports service tags, DNS, NTP and KMS as unproxied openings', async () => {
    const policy = await load({
      region: 'westus',
      dns_servers: '10.1.0.4',
      kms_hosts: 'kms.core.windows.net',
    });
    const byId = new Map(policy.unproxied.map((u) => [u.id, u]));
    // Required ports (stv2): "* / 1433 | Outbound | TCP | VirtualNetwork / Sql", and so on.
    expect(byId.get('servicetag-sql')).toMatchObject({
      protocol: 'tcp',
      destinations: ['servicetag:Sql'],
      ports: ['1433'],
    });
    expect(byId.get('servicetag-event-hub')?.ports).toEqual(['5671', '5672', '443']);
    expect(byId.get('servicetag-azure-monitor')?.ports).toEqual(['1886', '443']);
    expect(byId.get('rate-limit-sync')).toMatchObject({ protocol: 'udp', ports: ['4290'] });
    expect(byId.get('developer-portal-publishing')?.destinations).toEqual(['servicetag:Storage.WestUS']);
    expect(byId.get('dns')).toMatchObject({ destinations: ['10.1.0.4'], ports: ['53'] });
    expect(byId.get('ntp')).toMatchObject({ protocol: 'udp', destinations: [], ports: ['123'] });
    expect(byId.get('kms')).toMatchObject({ destinations: ['kms.core.windows.net'], ports: ['1688'] });
    // A service tag is not a name: SQL on 1433 does not pass the proxy.
    expect(decide(policy, { host: 'myserver.database.windows.net', port: 1433 }, 'enforce').verdict).toBe(
      'deny',
    );
  });
});
