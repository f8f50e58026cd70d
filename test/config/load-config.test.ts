import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { mergeServeFlags } from '../../src/config/merge-serve-flags.js';
import { readProxyPasswords } from '../../src/config/read-proxy-passwords.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';

const full = `listen: 127.0.0.1:3128
admin: 127.0.0.1:9090
transparentTls: ["0.0.0.0:15001=443"]
transparentHttp: ["0.0.0.0:15002"]
policies: /app/policies
profiles: [azure-stack-hub]
parameters: { region: eastus, hosts: [a.example, b.example] }
mode: enforce
denyStyle: forbidden
connectTo: ["login.microsoftonline.com:443:127.0.0.1:8443"]
upstreamProxy: http://parent:3128
allowClients: [10.0.0.0/8]
clientGroups:
  - name: arc-nodes
    cidrs: [10.1.0.0/24]
    users: [arc]
    profiles: [azure-arc-kubernetes]
    parameters: { region: westeurope }
    mode: report
    denyStyle: drop
    maxConnections: 500
limits: { maxConnections: 10000, helloTimeoutMs: 10000, headersTimeoutMs: 10000, maxHeaderBytes: 16384, maxHelloBytes: 65536 }
timeouts: { connectMs: 60000, idleMs: 900000 }
drainTimeoutMs: 30000
log: { level: info }
metrics: { deniedTopN: 50 }
`;

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config file', () => {
  it('accepts the documented format and resolves every default', () => {
    const settings = resolveSettings(parseConfigText(full, 'gate.yaml'), { defaultPoliciesDir: '/shipped/' });
    expect(settings.transparentTls).toEqual([{ host: '0.0.0.0', port: 15001, destPort: 443 }]);
    expect(settings.transparentHttp).toEqual([{ host: '0.0.0.0', port: 15002, destPort: 80 }]);
    expect(settings.upstreamProxy).toEqual({ host: 'parent', port: 3128 });
    expect(settings.groups.map((g) => [g.name, g.mode, g.denyStyle])).toEqual([
      ['arc-nodes', 'report', 'drop'],
      ['default', 'enforce', 'forbidden'],
    ]);
    expect(settings.groups[1]?.parameters).toEqual({ region: 'eastus', hosts: 'a.example,b.example' });
  });

  it.each([
    ['an unknown key', 'listen: 127.0.0.1:3128\nlisen: x\n', 2, /unknown key 'lisen'/],
    ['a bad mode', 'profiles: [a]\nmode: block\n', 2, /'mode' must be one of enforce, report/],
    ['a bad relay', 'profiles: [a]\nrelay: splice\n', 2, /'relay' must be one of native, js/],
    [
      'a bad CIDR in a group',
      'clientGroups:\n  - name: g\n    cidrs: [10.0.0.0/8, "nope"]\n    profiles: [a]\n',
      3,
      /clientGroups\.0\.cidrs\.1/,
    ],
    ['a YAML error', 'listen: [\n', 2, /YAML syntax/],
  ])('names file and line for %s', (_what, text, line, message) => {
    const err = errorOf(() => parseConfigText(text, '/etc/egressgate.yaml'));
    expect(err.file).toBe('/etc/egressgate.yaml');
    expect(err.line).toBe(line);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`/etc/egressgate.yaml:${line}: `)).toBe(true);
  });

  it.each([
    [
      'at the top level',
      'listen: 127.0.0.1:3128\nmode: report\ndenyStlye: drop\n',
      3,
      'denyStlye',
      'denyStyle',
    ],
    [
      'in a client group',
      'clientGroups:\n  - name: g\n    cidrs: [10.0.0.0/8]\n    profile: [a]\n',
      4,
      'profile',
      'profiles',
    ],
    ['in limits', 'limits:\n  maxConection: 5\n', 2, 'maxConection', 'maxConnections'],
  ])('a misspelt key %s gets "did you mean", with the file and line', (_where, text, line, typo, meant) => {
    const err = errorOf(() => parseConfigText(text, '/etc/egressgate.yaml'));
    expect(err.file).toBe('/etc/egressgate.yaml');
    expect(err.line).toBe(line);
    expect(err.message).toMatch(
      new RegExp(`^/etc/egressgate\\.yaml:${line}: unknown key '${typo}' .*; did you mean '${meant}'\\?`),
    );
  });

  it('refuses a non-loopback listener without client groups, and says why', () => {
    const err = errorOf(() => resolveSettings({ listen: '0.0.0.0:3128' }, { defaultPoliciesDir: '/p/' }));
    expect(err.message).toMatch(/refusing to listen on 0\.0\.0\.0:3128 with no client groups/);
    expect(() =>
      resolveSettings({ transparentTls: ['10.0.0.5:15001'] }, { defaultPoliciesDir: '/p/' }),
    ).toThrow(/never an open proxy/);
  });

  it('gives loopback-only listeners the implicit group local', () => {
    const settings = resolveSettings({ profiles: ['x'], mode: 'report' }, { defaultPoliciesDir: '/p/' });
    expect(settings.groups).toEqual([
      expect.objectContaining({
        name: 'local',
        cidrs: ['127.0.0.0/8', '::1/128'],
        profiles: ['x'],
        mode: 'report',
      }),
    ]);
    expect(settings.policiesDir).toBe('/p/');
  });

  it('lets flags override the file, --set key by key', () => {
    const file = parseConfigText(full, 'gate.yaml');
    const merged = mergeServeFlags(file, {
      profile: ['azure-arc-servers'],
      set: { region: 'westeurope' },
      mode: 'report',
      allowClient: ['192.168.0.0/16'],
      listen: '127.0.0.1:0',
    });
    expect(merged).toMatchObject({
      profiles: ['azure-arc-servers'],
      parameters: { region: 'westeurope', hosts: ['a.example', 'b.example'] },
      mode: 'report',
      allowClients: ['192.168.0.0/16'],
      listen: '127.0.0.1:0',
      admin: '127.0.0.1:9090',
    });
    expect(() => mergeServeFlags({}, { mode: 'block' })).toThrow(/--mode must be enforce or report/);
  });

  it.each([
    [{ listen: ':3128' }, '--listen must be ADDR:PORT, not ":3128"'],
    [{ allowClient: ['10.0.0.0/8', 'everyone'] }, '--allow-client must be a CIDR, not "everyone"'],
    [{ set: { Region: 'x' } }, '--set must be KEY=VALUE, KEY a parameter name (a-z, 0-9, _), not "Region"'],
    [{ latency: '-5' }, '--latency must be a whole number of milliseconds, not "-5"'],
    [{ workers: '257' }, '--workers must be a number of processes (1-256) or auto, not "257"'],
    [{ logDecisions: 'some' }, '--log-decisions must be all, deny or none, not "some"'],
    [
      { upstreamProxy: 'https://parent:3128' },
      '--upstream-proxy must be http://HOST:PORT, not "https://parent:3128"',
    ],
  ])('checks flags with the config schema and names the flag: %j', (flags, message) => {
    const err = errorOf(() => mergeServeFlags(parseConfigText(full, 'gate.yaml'), flags));
    expect(err.message).toBe(message);
    expect(err.code).toBe('CONFIG_INVALID');
  });

  it('requires a password for every proxy user a group names', () => {
    const settings = resolveSettings(parseConfigText(full, 'gate.yaml'), { defaultPoliciesDir: '/p/' });
    expect(() => readProxyPasswords(settings.groups, {})).toThrow(/EGRESSGATE_PROXY_PASSWORD_ARC/);
    expect(readProxyPasswords(settings.groups, { EGRESSGATE_PROXY_PASSWORD_ARC: 'pw' }).get('arc')).toBe(
      'pw',
    );
  });
});
