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

  it('keeps the in-VNet, DNS, NTP and KMS rows as unproxied openings', async () => {
    const policy = await load({
      region: 'westus',
      dns_servers: '10.1.0.4',
      kms_hosts: 'kms.core.windows.net',
    });
    const byId = new Map(policy.unproxied.map((u) => [u.id, u]));
    // "* / 4290 | Inbound & Outbound | UDP | VirtualNetwork / VirtualNetwork"
    expect(byId.get('rate-limit-sync')).toMatchObject({ protocol: 'udp', ports: ['4290'] });
    expect(byId.get('redis-internal')?.ports).toEqual(['6381-6383']);
    expect(byId.get('dns')).toMatchObject({ destinations: ['10.1.0.4'], ports: ['53'] });
    expect(byId.get('ntp')).toMatchObject({ protocol: 'udp', destinations: [], ports: ['123'] });
    expect(byId.get('kms')).toMatchObject({ destinations: ['kms.core.windows.net'], ports: ['1688'] });
    // "Allow outbound TCP access on port 12000 for diagnostics" names no destination.
    expect(byId.get('internal-diagnostics-12000')?.ports).toEqual(['12000']);
  });

  it('passes SQL on 1433 by name only where issue 11 names the endpoint, not its lookalikes', async () => {
    const policy = await load({ region: 'westus' });
    const verdict = (host: string, port: number): string => decide(policy, { host, port }, 'enforce').verdict;
    expect(verdict('myserver.database.windows.net', 1433)).toBe('allow');
    expect(verdict('myserver.database.windows.net', 443)).toBe('deny');
    expect(verdict('database.windows.net', 1433)).toBe('deny');
    expect(verdict('myhub.servicebus.windows.net', 5672)).toBe('allow');
    // Without a Service Tags file the tag rows are listed as inactive, saying what they need.
    const why = policy.inactive.find((r) => r.id === 'servicetag-sql')?.why ?? '';
    expect(why).toMatch(/Sql\.westus.*servicetags/);
  });
});
