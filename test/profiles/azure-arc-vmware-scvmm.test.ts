import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { describeDocumentTable } from './describe-document-table.js';
import { notResourceBridgeNames, resourceBridgeRows } from './resource-bridge-rows.js';

// 003: the resource bridge requirements "also apply to Azure Arc-enabled VMware vSphere (preview) and
// Azure Arc-enabled System Center Virtual Machine Manager (preview)", each plus its own server.
describeDocumentTable('azure-arc-vmware, vcenter_host=vcenter.corp.example (003)', {
  profiles: ['azure-arc-vmware'],
  parameters: { vcenter_host: 'vcenter.corp.example' },
  cloud: 'public',
  placeholders: { vcenter: 'vcenter.corp.example' },
  rows: [
    ...resourceBridgeRows,
    {
      entry: '003 Azure Arc-enabled VMware vSphere | vCenter Server | 443 | URL of the vCenter server',
      names: ['<vcenter>'],
      ports: [443],
    },
  ],
  foreignNames: [...notResourceBridgeNames, 'scvmm.corp.example', 'vcenter2.corp.example', 'corp.example'],
});

describeDocumentTable('azure-arc-scvmm, scvmm_host=scvmm.corp.example (003)', {
  profiles: ['azure-arc-scvmm'],
  parameters: { scvmm_host: 'scvmm.corp.example' },
  cloud: 'public',
  placeholders: { scvmm: 'scvmm.corp.example' },
  rows: [
    ...resourceBridgeRows,
    {
      entry:
        '003 Azure Arc-enabled System Center Virtual Machine Manager | SCVMM management Server | 443 | URL of the SCVMM management server',
      names: ['<scvmm>'],
      ports: [443],
    },
  ],
  foreignNames: [...notResourceBridgeNames, 'vcenter.corp.example', 'corp.example'],
});

describe('the customer server is a required parameter, not a guess', () => {
  it.each([
    ['azure-arc-vmware', 'vcenter_host'],
    ['azure-arc-scvmm', 'scvmm_host'],
  ])('%s refuses to load without %s', async (profile, parameter) => {
    await expect(loadPolicy({ dir: 'policies', profiles: [profile], parameters: {} })).rejects.toMatchObject({
      name: 'PolicyError',
      code: 'PARAMETER_MISSING',
      message: new RegExp(`'${parameter}'`),
    });
  });

  it('takes the vCenter name case-insensitively and only on 443', async () => {
    const policy = await loadPolicy({
      dir: 'policies',
      profiles: ['azure-arc-vmware'],
      parameters: { vcenter_host: 'VCenter01.Corp.Example' },
    });
    expect(decide(policy, { host: 'vcenter01.corp.example', port: 443 }, 'enforce').verdict).toBe('allow');
    expect(decide(policy, { host: 'vcenter01.corp.example', port: 80 }, 'enforce')).toMatchObject({
      verdict: 'deny',
      reason: 'port_not_allowed',
    });
  });

  it('refuses a URL where a host name belongs', async () => {
    await expect(
      loadPolicy({
        dir: 'policies',
        profiles: ['azure-arc-vmware'],
        parameters: { vcenter_host: 'https://vcenter.corp.example/' },
      }),
    ).rejects.toMatchObject({ name: 'PolicyError', code: 'PARAMETER_INVALID' });
  });
});
