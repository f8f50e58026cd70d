import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { describeDocumentTable } from './describe-document-table.js';
import type { Cloud } from './document-row.js';
import { stackHub000Rows, stackHub001Rows } from './stack-hub-rows.js';

const rows = [...stackHub000Rows, ...stackHub001Rows];

/** Every cloud's names from 001, so each cloud is also checked against the others'. */
const allCloudNames = [
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'graph.chinacloudapi.cn',
  'login.microsoftonline.de',
  'graph.cloudapi.de',
  'management.usgovcloudapi.net',
  'management.chinacloudapi.cn',
  'management.azure.com',
  'login.microsoftonline.com',
  'acct.blob.core.windows.net',
  'acct.blob.core.usgovcloudapi.net',
  'acct.blob.core.chinacloudapi.cn',
  'x.trafficmanager.net',
  'x.usgovtrafficmanager.net',
  'x.trafficmanager.cn',
  'portal.microsoftazurestack.com',
];

for (const cloud of ['public', 'usgov', 'china'] as const satisfies readonly Cloud[]) {
  describeDocumentTable(`azure-stack-hub, cloud=${cloud} (000 + 001)`, {
    profiles: ['azure-stack-hub'],
    parameters: cloud === 'public' ? {} : { cloud },
    cloud,
    placeholders: {},
    rows,
    foreignNames: allCloudNames,
  });
}

// Germany, with every customer-own destination set: 001 gives Germany only Identity names, so the
// Blob SAS host here is reachable only through its parameter.
describeDocumentTable('azure-stack-hub, cloud=germany, customer destinations set (001)', {
  profiles: ['azure-stack-hub'],
  parameters: {
    cloud: 'germany',
    crl_hosts: 'pki.corp.example',
    ldap_servers: 'dc1.corp.example,gc.corp.example',
    adfs_hosts: 'adfs.corp.example',
    diagnostic_blob_hosts: 'diaglogs.blob.core.cloudapi.de',
  },
  cloud: 'germany',
  placeholders: {
    crl: 'pki.corp.example',
    ldap: 'dc1.corp.example',
    adfs: 'adfs.corp.example',
    diagnostic_blob: 'diaglogs.blob.core.cloudapi.de',
  },
  rows: [
    ...rows,
    {
      entry:
        '001 Outbound communication | LDAP... | Active Directory Forest provided for Graph integration (second server)',
      names: ['gc.corp.example'],
      ports: [389, 636, 3268, 3269],
    },
  ],
  foreignNames: [...allCloudNames, 'corp.example', 'other.blob.core.cloudapi.de'],
});

describe('azure-stack-hub specifics', () => {
  const load = (parameters: Record<string, string>) =>
    loadPolicy({ dir: 'policies', profiles: ['azure-stack-hub'], parameters });

  it('switches to the Azure Government names under cloud=usgov and denies the Azure ones', async () => {
    const usgov = await load({ cloud: 'usgov' });
    const verdict = (host: string, port = 443): string => decide(usgov, { host, port }, 'enforce').verdict;
    expect(verdict('login.microsoftonline.us')).toBe('allow');
    expect(verdict('management.usgovcloudapi.net')).toBe('allow');
    expect(verdict('login.microsoftonline.com')).toBe('deny');
    expect(verdict('management.azure.com')).toBe('deny');
    expect(verdict('www.office.com')).toBe('deny');
    // Not split per cloud by either document: open under every cloud.
    expect(verdict('cdn1.azureedge.net')).toBe('allow');
    expect(verdict('x.wdcp.microsoft.com', 80)).toBe('allow');
  });

  it('leaves customer destinations closed until they are named', async () => {
    const policy = await load({});
    for (const [host, port] of [
      ['pki.corp.example', 80],
      ['dc1.corp.example', 636],
      ['adfs.corp.example', 443],
    ] as const) {
      expect(decide(policy, { host, port }, 'enforce')).toMatchObject({
        verdict: 'deny',
        reason: 'no_matching_rule',
      });
    }
  });

  it('enforces the documented paths on plain HTTP (www.microsoft.com/pkiops/..., crl.microsoft.com/pki/crl/products)', async () => {
    const policy = await load({});
    const at = (host: string, port: number, path: string) => decide(policy, { host, port, path }, 'enforce');
    expect(at('www.microsoft.com', 80, '/pkiops/crl/MicSecSerCA2011_2011-10-18.crl').verdict).toBe('allow');
    expect(at('www.microsoft.com', 80, '/pkiops/certs/x.crt').verdict).toBe('allow');
    expect(at('www.microsoft.com', 80, '/pki/certs/MicRooCerAut2011_2011_03_22.crt').verdict).toBe('allow');
    expect(at('crl.microsoft.com', 80, '/pki/crl/products/MicRooCerAut_2010-06-23.crl').verdict).toBe(
      'allow',
    );
    expect(at('www.microsoft.com', 80, '/en-us/download')).toMatchObject({
      verdict: 'deny',
      reason: 'path_not_allowed',
    });
    expect(at('crl.microsoft.com', 80, '/other')).toMatchObject({
      verdict: 'deny',
      reason: 'path_not_allowed',
    });
  });

  it('lists NTP, DNS and LDAP over UDP as unproxied openings with the customer servers', async () => {
    const policy = await load({
      ntp_servers: '10.0.0.10,10.0.0.11',
      dns_servers: '10.0.0.53',
      ldap_servers: 'dc1.corp.example',
    });
    const byId = new Map(policy.unproxied.map((u) => [u.id, u]));
    expect(byId.get('ntp')).toMatchObject({
      protocol: 'udp',
      destinations: ['10.0.0.10', '10.0.0.11'],
      ports: ['123'],
    });
    expect(byId.get('dns')).toMatchObject({
      protocol: 'tcp/udp',
      destinations: ['10.0.0.53'],
      ports: ['53'],
    });
    expect(byId.get('ldap-udp')).toMatchObject({
      protocol: 'udp',
      destinations: ['dc1.corp.example'],
      ports: ['389'],
    });
  });

  it('refuses an unknown cloud', async () => {
    await expect(load({ cloud: 'azurestack' })).rejects.toMatchObject({
      name: 'PolicyError',
      code: 'PARAMETER_INVALID',
      message: /'cloud'/,
    });
  });
});
