import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { describeDocumentTable } from './describe-document-table.js';
import { stackHciRows } from './stack-hci-rows.js';

const foreignNames = [
  // The bare parents of the recommended wildcards: "*.x" never covers x.
  'azure.com',
  'microsoft.com',
  'windows.net',
  'microsoftonline.com',
  'azurefd.net',
  // Other clouds (001, 004), which 002 does not list.
  'management.usgovcloudapi.net',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.microsoftonline.de',
  'x.usgovtrafficmanager.net',
  // Wrong parents of documented names.
  'storage.googleapis.com.evil.com',
  'evilstorage.googleapis.com',
  'ecpacr.azurecr.io.evil.com',
  'github.com',
];

describeDocumentTable('azure-stack-hci, cloud=public (002)', {
  profiles: ['azure-stack-hci'],
  parameters: {},
  cloud: 'public',
  placeholders: {},
  rows: stackHciRows,
  foreignNames,
});

describeDocumentTable('azure-stack-hci, cloud=china (002, Azure China URL column)', {
  profiles: ['azure-stack-hci'],
  parameters: { cloud: 'china' },
  cloud: 'china',
  placeholders: {},
  rows: stackHciRows,
  foreignNames,
});

describeDocumentTable('azure-stack-hci, git_hosts=git.corp.example (002 "git://:9418")', {
  profiles: ['azure-stack-hci'],
  parameters: { git_hosts: 'git.corp.example' },
  cloud: 'public',
  placeholders: { git: 'git.corp.example' },
  rows: stackHciRows,
  foreignNames: [...foreignNames, 'corp.example', 'git2.corp.example'],
});

describe('azure-stack-hci specifics', () => {
  const load = (parameters: Record<string, string>) =>
    loadPolicy({ dir: 'policies', profiles: ['azure-stack-hci'], parameters });

  it('names the required daily-access entry, not a broad recommendation, when both allow', async () => {
    const policy = await load({});
    expect(decide(policy, { host: 'management.azure.com', port: 443 }, 'enforce')).toMatchObject({
      verdict: 'allow',
      profile: 'azure-stack-hci',
      rule: 'daily-arm',
    });
  });

  it('opens git (TCP 9418) to no host unless git_hosts names one', async () => {
    const policy = await load({});
    expect(decide(policy, { host: 'github.com', port: 9418 }, 'enforce')).toMatchObject({
      verdict: 'deny',
      reason: 'no_matching_rule',
    });
  });

  it('allows the China daily endpoints only under cloud=china', async () => {
    const pub = await load({});
    const china = await load({ cloud: 'china' });
    for (const host of [
      'login.partner.microsoftonline.cn',
      'dp.stackhci.azure.cn',
      'management.chinacloudapi.cn',
    ]) {
      expect(decide(pub, { host, port: 443 }, 'enforce').verdict).toBe('deny');
      expect(decide(china, { host, port: 443 }, 'enforce').verdict).toBe('allow');
    }
  });

  it.each(['usgov', 'germany'])('refuses cloud=%s, which 002 does not document', async (cloud) => {
    await expect(load({ cloud })).rejects.toMatchObject({
      name: 'PolicyError',
      code: 'PARAMETER_INVALID',
      message: /'cloud'/,
    });
  });

  it('lists the daily-access service tags as unproxied openings on 443', async () => {
    const pub = await load({});
    const tags = pub.unproxied.flatMap((u) => u.destinations);
    expect(tags).toEqual(
      expect.arrayContaining([
        'servicetag:AzureActiveDirectory',
        'servicetag:AzureResourceManager',
        'servicetag:AzureFrontDoor.Frontend',
        'servicetag:AzureArcInfrastructure',
        'servicetag:AzureTrafficManager',
      ]),
    );
    expect(tags).not.toContain('servicetag:AzureCloud.ChinaEast2');
    const china = await load({ cloud: 'china' });
    expect(china.unproxied.flatMap((u) => u.destinations)).toContain('servicetag:AzureCloud.ChinaEast2');
  });
});
