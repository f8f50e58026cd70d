import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import { decide } from '../../src/policy/decide.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import { loadPolicyState, type PolicyState } from '../../src/proxy/policy-state.js';

// The published file's shape, with documentation-range prefixes; region names CamelCase as Microsoft writes them.
const serviceTagsJson = {
  changeNumber: 41,
  cloud: 'Public',
  values: [
    ['Sql.WestEurope', '198.51.100.16/28'],
    ['Storage.WestEurope', '198.51.100.32/28'],
    ['Storage.WestUS', '198.51.100.48/28'],
    ['EventHub.WestEurope', '198.51.100.64/28'],
    ['AzureKeyVault', '198.51.100.80/28'],
    ['AzureActiveDirectory', '198.51.100.96/28'],
    ['AzureConnectors', '198.51.100.112/28'],
    ['AzureMonitor', '198.51.100.128/28'],
    ['AzureCloud', '203.0.113.0/24'],
  ].map(([name, prefix]) => ({
    name,
    id: name,
    properties: { changeNumber: 1, region: '', addressPrefixes: [prefix] },
  })),
};

let dir: string;
let tagsFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egressgate-group-options-'));
  tagsFile = join(dir, 'ServiceTags_Public_20260101.json');
  // The published file starts with a byte order mark.
  await writeFile(tagsFile, `\uFEFF${JSON.stringify(serviceTagsJson)}`);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const config = (extra: string): string => `listen: 10.0.0.1:3128
servicetags: SERVICETAGS
clientGroups:
  - name: apim
    cidrs: [10.2.0.0/24]
    profiles: [azure-api-management]
    parameters: { region: westeurope }
  - name: arc
    cidrs: [10.1.0.0/24]
    profiles: [azure-arc-servers]
    parameters: { region: [eastus2, westeurope] }
${extra}`;

async function stateOf(text: string): Promise<PolicyState> {
  const settings = resolveSettings(
    parseConfigText(text.replace('SERVICETAGS', tagsFile), 'egressgate.yaml'),
    {
      defaultPoliciesDir: 'policies',
    },
  );
  return loadPolicyState(settings.groups, settings.policiesDir, loadPolicy, settings.serviceTags);
}

const group = (state: PolicyState, name: string) => {
  const found = state.groups.find((g) => g.group.name === name)?.group;
  if (!found) throw new Error(`no group ${name}`);
  return found;
};

describe('config servicetags and excludeRules', () => {
  it('expands service-tag rows through the file the config names (regional tag by region)', async () => {
    const apim = group(await stateOf(config('')), 'apim').policy;
    const verdict = (host: string, port: number): string => decide(apim, { host, port }, 'enforce').verdict;
    expect(verdict('198.51.100.17', 1433)).toBe('allow'); // Sql.WestEurope
    expect(verdict('198.51.100.17', 443)).toBe('deny');
    expect(verdict('198.51.100.65', 5672)).toBe('allow'); // EventHub.WestEurope
    expect(verdict('198.51.100.49', 443)).toBe('allow'); // Storage.WestUS, developer portal publishing
    expect(verdict('198.51.100.49', 445)).toBe('deny'); // the file share row is regional: WestEurope only
    expect(verdict('203.0.113.9', 443)).toBe('deny'); // AzureCloud is stv1 only
  });

  it('leaves out the rules a group excludes, and only for that group', async () => {
    const state = await stateOf(config('    excludeRules: [azure-arc-servers/ssh-wac-relay]\n'));
    const arc = group(state, 'arc').policy;
    expect(arc.inactive.find((r) => r.id === 'ssh-wac-relay')?.why).toMatch(/excludeRules/);
    expect(decide(arc, { host: 'relay1.servicebus.windows.net', port: 443 }, 'enforce').verdict).toBe('deny');
    // azgn*.servicebus.windows.net is a rule of its own (notification-relay) and stays.
    expect(decide(arc, { host: 'azgn7.servicebus.windows.net', port: 443 }, 'enforce').verdict).toBe('allow');
    // Both regions of the list are in force.
    expect(
      decide(arc, { host: 'telemetry.westeurope.arcdataservices.com', port: 443 }, 'enforce').verdict,
    ).toBe('allow');
  });

  it('refuses an excludeRules entry that names no rule', async () => {
    await expect(stateOf(config('    excludeRules: [azure-arc-servers/ssh-relay]\n'))).rejects.toMatchObject({
      code: 'RULE_NOT_FOUND',
      message: /'azure-arc-servers\/ssh-relay' names no rule/,
    });
  });

  it('refuses an excludeRules entry that is not PROFILE/RULE-ID, naming the line', () => {
    const text = config('    excludeRules: [ssh-wac-relay]\n');
    expect(() => parseConfigText(text, 'egressgate.yaml')).toThrow(ConfigError);
    expect(() => parseConfigText(text, 'egressgate.yaml')).toThrow(
      /egressgate\.yaml:12: .clientGroups\.1\.excludeRules\.0. is not in the expected format/,
    );
  });

  it('says which file it cannot read', async () => {
    const text = config('').replace('SERVICETAGS', join(dir, 'missing.json'));
    await expect(stateOf(text)).rejects.toMatchObject({ code: 'FILE_UNREADABLE', message: /missing\.json/ });
  });
});
