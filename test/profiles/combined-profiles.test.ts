import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';

// Profiles loaded together share their --set values; each declares what its document needs.
describe('shipped profiles loaded together', () => {
  it('Azure Stack Hub in Azure Government with Arc-enabled Kubernetes: each keeps its own documents', async () => {
    const policy = await loadPolicy({
      dir: 'policies',
      profiles: ['azure-stack-hub', 'azure-arc-kubernetes'],
      parameters: { cloud: 'usgov', region: 'usgovvirginia' },
    });
    const at = (host: string, port = 443) => decide(policy, { host, port }, 'enforce');
    expect(at('management.usgovcloudapi.net')).toMatchObject({
      verdict: 'allow',
      profile: 'azure-stack-hub',
    });
    // 003 lists only public names, and azure-arc-kubernetes has no cloud parameter to switch them.
    expect(at('management.azure.com')).toMatchObject({ verdict: 'allow', profile: 'azure-arc-kubernetes' });
    expect(at('usgovvirginia.dp.kubernetesconfiguration.azure.com').verdict).toBe('allow');
  });

  it('refuses a cloud that one of the selected documents does not cover, naming it', async () => {
    await expect(
      loadPolicy({
        dir: 'policies',
        profiles: ['azure-stack-hub', 'azure-stack-hci'],
        parameters: { cloud: 'usgov' },
      }),
    ).rejects.toMatchObject({
      name: 'PolicyError',
      code: 'PARAMETER_INVALID',
      message: /'cloud' is 'usgov'/,
    });
  });

  it('loads every shipped profile with its required parameters', async () => {
    const policy = await loadPolicy({
      dir: 'policies',
      profiles: [
        'azure-stack-hub',
        'azure-stack-hci',
        'azure-arc-data-services',
        'azure-arc-servers',
        'azure-arc-servers-esu',
        'azure-arc-vmware',
        'azure-arc-scvmm',
        'azure-api-management',
      ],
      parameters: { region: 'westeurope', vcenter_host: 'vc.corp.example', scvmm_host: 'vmm.corp.example' },
    });
    expect(policy.profiles).toContain('azure-arc-kubernetes');
    expect(policy.profiles).toContain('azure-arc-resource-bridge');
    expect(
      policy.rules.every((r) => r.provenance.document.length > 0 && (r.provenance.entry ?? '').length > 0),
    ).toBe(true);
  });
});
