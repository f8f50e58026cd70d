import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import { createDialer, type Resolver } from '../../src/net/create-dialer.js';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { loadPolicyState } from '../../src/proxy/policy-state.js';

// 001 names the AD forest, DNS and NTP servers by what the customer provides: often an IP.
const hub = (ldap: string): Promise<Awaited<ReturnType<typeof loadPolicy>>> =>
  loadPolicy({ dir: 'policies', profiles: ['azure-stack-hub'], parameters: { ldap_servers: ldap } });

describe('customer-owned parameters', () => {
  it('never take loopback, metadata or unspecified addresses (a CIDR reaching them is a load error)', async () => {
    for (const value of ['127.0.0.1', '0.0.0.0/1', '169.254.0.0/16', '168.63.129.16', '::1', '0.0.0.0']) {
      await expect(hub(`dc1.corp.example,${value}`), value).rejects.toThrow(
        /reaches (loopback|metadata|unspecified) addresses/,
      );
    }
    // Private space next to them is the customer's own.
    await expect(hub('10.0.0.0/8,172.16.0.0/12,169.254.1.0/24')).resolves.toBeDefined();
  });

  it('take names, IP addresses and CIDRs: addresses become CIDRs of the rule, on its ports only', async () => {
    const policy = await hub('10.0.0.5,dc1.corp.example,10.1.0.0/24');
    const ldap = policy.rules.find((r) => r.id === 'ldap');
    expect(ldap).toMatchObject({ hosts: ['dc1.corp.example'], cidrs: ['10.0.0.5/32', '10.1.0.0/24'] });
    expect(decide(policy, { host: '10.0.0.5', port: 389 }, 'enforce')).toMatchObject({ rule: 'ldap' });
    expect(decide(policy, { host: '10.1.0.77', port: 3268 }, 'enforce')).toMatchObject({ rule: 'ldap-gc' });
    expect(decide(policy, { host: 'dc1.corp.example', port: 636 }, 'enforce')).toMatchObject({
      rule: 'ldap-ssl',
    });
    expect(decide(policy, { host: '10.0.0.5', port: 445 }, 'enforce')).toMatchObject({ verdict: 'deny' });
  });

  it('mark their rules as reaching private addresses, and no other rule', async () => {
    const policy = await hub('dc1.corp.example');
    const marked = policy.rules.filter((r) => r.privateDestinations === true).map((r) => r.id);
    expect(marked).toEqual(['ldap', 'ldap-ssl', 'ldap-gc', 'ldap-gc-ssl']);
    const ldap = decide(policy, { host: 'dc1.corp.example', port: 389 }, 'enforce');
    const azure = decide(policy, { host: 'login.microsoftonline.com', port: 443 }, 'enforce');
    expect(ldap.verdict === 'allow' && policy.privateAllows.has(ldap)).toBe(true);
    expect(azure.verdict === 'allow' && policy.privateAllows.has(azure)).toBe(false);
  });

  it('a parameter that is not customer-owned still refuses an IP address', async () => {
    await expect(
      loadPolicy({
        dir: 'policies',
        profiles: ['azure-stack-hub'],
        parameters: { diagnostic_blob_hosts: '10.0.0.5' },
      }),
    ).rejects.toMatchObject({ name: 'PolicyError' });
  });

  it('refuses a URL where a name or address belongs', async () => {
    await expect(
      loadPolicy({
        dir: 'policies',
        profiles: ['azure-arc-vmware'],
        parameters: { vcenter_host: 'https://vc.corp' },
      }),
    ).rejects.toMatchObject({ code: 'PARAMETER_INVALID' });
  });
});

describe('dialing a private destination', () => {
  const table: Record<string, string[]> = {
    'dc1.corp.example': ['10.0.0.5'],
    'mixed.corp.example': ['169.254.169.254', '127.0.0.9', '10.0.0.6'],
    'metadata.corp.example': ['169.254.169.254'],
    'loopback.corp.example': ['127.0.0.9'],
  };
  const resolver: Resolver = (name) =>
    Promise.resolve((table[name] ?? []).map((address) => ({ address, family: 4 })));
  const dialer = createDialer({
    resolver,
    connectTo: [],
    upstreamProxy: null,
    connectTimeoutMs: 1_000,
    isOwnAddress: () => false,
  });

  it('a customer-owned rule reaches private space, never metadata or loopback', async () => {
    expect(await dialer.plan({ host: 'dc1.corp.example', port: 389 }, null, true)).toMatchObject({
      addresses: ['10.0.0.5'],
    });
    expect(await dialer.plan({ host: 'mixed.corp.example', port: 389 }, null, true)).toMatchObject({
      addresses: ['10.0.0.6'],
    });
    for (const host of ['metadata.corp.example', 'loopback.corp.example']) {
      expect(await dialer.plan({ host, port: 389 }, null, true)).toMatchObject({
        refused: 'private_address',
        relaxed: null,
      });
    }
  });

  it('any other rule is refused, with the private addresses report mode may carry it to', async () => {
    expect(await dialer.plan({ host: 'mixed.corp.example', port: 389 }, null)).toMatchObject({
      refused: 'private_address',
      relaxed: { addresses: ['10.0.0.6'], port: 389 },
    });
  });

  it('privateDestinations never reach loopback, metadata or unspecified addresses (a config error)', () => {
    const settings = (cidrs: string[]) =>
      resolveSettings(
        {
          clientGroups: [
            {
              name: 'hub',
              cidrs: ['10.2.0.0/16'],
              profiles: ['azure-stack-hub'],
              privateDestinations: cidrs,
            },
          ],
        },
        { defaultPoliciesDir: 'policies' },
      );
    expect(() => settings(['127.0.0.0/8'])).toThrow(/privateDestinations: 127\.0\.0\.0\/8 reaches loopback/);
    expect(() => settings(['0.0.0.0/1'])).toThrow(/reaches (unspecified|loopback) addresses/);
    expect(() => settings(['169.254.0.0/16'])).toThrow(/reaches metadata addresses/);
    expect(() =>
      resolveSettings({ privateDestinations: ['::/1'] }, { defaultPoliciesDir: 'policies' }),
    ).toThrow(/reaches (unspecified|loopback) addresses/);
    expect(settings(['10.0.0.0/24']).groups[0]?.privateDestinations).toEqual(['10.0.0.0/24']);
  });

  it("a group's privateDestinations open its CIDRs to every name its policy allows", async () => {
    const state = await loadPolicyState(
      [
        {
          name: 'hub',
          cidrs: ['10.2.0.0/16'],
          users: null,
          profiles: ['azure-stack-hub'],
          parameters: {},
          mode: 'enforce',
          denyStyle: 'forbidden',
          maxConnections: null,
          excludeRules: [],
          privateDestinations: ['10.0.0.0/24'],
        },
      ],
      'policies',
      loadPolicy,
    );
    const group = state.groups[0]?.group;
    expect(group).toBeDefined();
    const cidrs = group?.allowedCidrs ?? null;
    expect(await dialer.plan({ host: 'dc1.corp.example', port: 443 }, cidrs)).toMatchObject({
      addresses: ['10.0.0.5'],
    });
    expect(await dialer.plan({ host: 'mixed.corp.example', port: 443 }, cidrs)).toMatchObject({
      addresses: ['10.0.0.6'],
    });
  });
});
