import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

let dir: string;

// One row of each kind a firewall meets: a list parameter (empty by default), addresses of both
// families, a service tag, a name, and a row with no port.
const PROFILE = `name: fw
description: unproxied rows of every kind
parameters:
  ntp_servers: { description: NTP servers, type: list, default: [] }
rules:
  - { id: web, hosts: [www.example.org], ports: [443], provenance: { document: test } }
unproxied:
  - { id: ntp, protocol: udp, destinations: ['{ntp_servers}'], ports: [123], purpose: NTP, provenance: { document: test } }
  - { id: dns, protocol: tcp/udp, destinations: [10.0.0.53/32, 'fd00::53'], ports: [53], purpose: DNS, provenance: { document: test } }
  - { id: tags, protocol: tcp, destinations: ['servicetag:AzureActiveDirectory', 'servicetag:Storage.WestEurope'], ports: [443], provenance: { document: test } }
  - { id: kms, protocol: tcp, destinations: [kms.core.windows.net], ports: [1688], provenance: { document: test } }
  - { id: gre, protocol: ip, destinations: [192.0.2.0/24], provenance: { document: test } }
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egressgate-export-'));
  await writeFile(join(dir, 'fw.yaml'), PROFILE);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exportAs = (format: string, ...set: string[]) =>
  runCli([
    'profiles',
    'export',
    'fw',
    '--policies',
    dir,
    '--format',
    format,
    ...set.flatMap((s) => ['--set', s]),
  ]);

describe('egressgate profiles export', () => {
  it('nftables: add rule lines per address family, names and tags as instructions, empty rows skipped', async () => {
    const r = await exportAs('nftables');
    expect(r.code).toBe(0);
    const rules = r.stdout.split('\n').filter((l) => l.startsWith('add rule'));
    expect(rules).toEqual([
      'add rule inet filter forward ip daddr { 10.0.0.53/32 } meta l4proto { tcp, udp } th dport { 53 } accept comment "egressgate fw/dns"',
      'add rule inet filter forward ip6 daddr { fd00::53 } meta l4proto { tcp, udp } th dport { 53 } accept comment "egressgate fw/dns"',
      'add rule inet filter forward ip daddr { 192.0.2.0/24 } accept comment "egressgate fw/gre"',
    ]);
    expect(r.stdout).toContain('# skipped: no destination (set ntp_servers)');
    expect(r.stdout).toContain('# service tag Storage.WestEurope:');
    expect(r.stdout).toContain('# kms.core.windows.net: a name;');
    expect(r.stderr).toBe('egressgate: fw/ntp: no destination, skipped (set ntp_servers)\n');
  });

  it('a --set list parameter fills the row', async () => {
    const r = await exportAs('nftables', 'ntp_servers=10.1.1.1,10.1.1.2');
    expect(r.stdout).toContain(
      'add rule inet filter forward ip daddr { 10.1.1.1, 10.1.1.2 } udp dport { 123 } accept comment "egressgate fw/ntp"',
    );
    expect(r.stdout.split('\n')[0]).toBe(
      '# egressgate profiles export fw --set ntp_servers=10.1.1.1,10.1.1.2',
    );
    expect(r.stderr).toBe('');
  });

  it('azure-firewall: one network rule per row in one collection; tags as addresses, names as FQDNs', async () => {
    const r = await exportAs('azure-firewall', 'ntp_servers=time.example.org');
    const commands = r.stdout
      .replace(/ \\\n {4}/g, ' ')
      .split('\n')
      .filter((l) => l.startsWith('az '));
    expect(commands).toHaveLength(5);
    expect(commands[0]).toBe(
      'az network firewall network-rule create --resource-group "$RG" --firewall-name "$FIREWALL" --collection-name egressgate-fw --priority 200 --action Allow --name egressgate-fw-ntp --protocols UDP --source-addresses $SOURCES --destination-fqdns time.example.org --destination-ports 123',
    );
    expect(commands[1]).toContain('--protocols TCP UDP');
    expect(commands[1]).toContain('--destination-addresses 10.0.0.53/32 fd00::53 --destination-ports 53');
    expect(commands[2]).toContain('--destination-addresses AzureActiveDirectory Storage.WestEurope');
    expect(commands[4]).toContain(
      "--protocols Any --source-addresses $SOURCES --destination-addresses 192.0.2.0/24 --destination-ports '*'",
    );
    expect(commands.slice(1).join('\n')).not.toContain('--priority');
  });

  it('nsg: outbound allow rules with rising priorities, one per service tag, names left as comments', async () => {
    const r = await exportAs('nsg');
    const commands = r.stdout
      .replace(/ \\\n {4}/g, ' ')
      .split('\n')
      .filter((l) => l.startsWith('az '));
    expect(commands.map((c) => /--name (\S+)/.exec(c)?.[1])).toEqual([
      'egressgate-fw-dns',
      'egressgate-fw-tags-azureactivedirectory',
      'egressgate-fw-tags-storage-westeurope',
      'egressgate-fw-gre',
    ]);
    expect(commands.map((c) => Number(/--priority (\d+)/.exec(c)?.[1]))).toEqual([1000, 1010, 1020, 1030]);
    expect(commands[0]).toContain("--protocol '*'");
    expect(commands[1]).toContain('--protocol Tcp');
    expect(commands[1]).toContain(
      '--destination-address-prefixes AzureActiveDirectory --destination-port-ranges 443',
    );
    expect(r.stdout).toContain(
      '# kms.core.windows.net: a name; NSG rules match addresses and service tags only',
    );
  });

  it('an unknown format is a usage error', async () => {
    const r = await exportAs('iptables');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are nftables, azure-firewall, nsg/);
  });

  it('the shipped azure-stack-hub profile exports its NTP and DNS rows once the servers are set', async () => {
    const r = await runCli([
      'profiles',
      'export',
      'azure-stack-hub',
      '--format',
      'nftables',
      '--set',
      'ntp_servers=10.2.0.1',
      '--set',
      'dns_servers=10.2.0.2',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'ip daddr { 10.2.0.1 } udp dport { 123 } accept comment "egressgate azure-stack-hub/ntp"',
    );
    expect(r.stdout).toContain('ip daddr { 10.2.0.2 } meta l4proto { tcp, udp } th dport { 53 } accept');
  });
});
