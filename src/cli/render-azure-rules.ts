import type { FirewallRow } from './export-unproxied.js';
import { headerLines, type ExportHeader } from './render-nftables.js';

/** POSIX shell single quoting: the values come from profile files and --set, never trusted as shell. */
function quote(value: string): string {
  return /^[A-Za-z0-9._:/*,-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

function ruleName(r: FirewallRow, suffix = ''): string {
  return `egressgate-${r.row.profile}-${r.row.id}${suffix}`.slice(0, 80);
}

const PREAMBLE = [
  '# Set RG (resource group), SOURCES (client address prefixes, space separated) and the target first.',
];

/** `az network firewall network-rule create` commands: one rule collection per profile. */
export function renderAzureFirewall(rows: readonly FirewallRow[], header: ExportHeader): string {
  const out = [...headerLines(header, '#'), ...PREAMBLE, '# FIREWALL: the Azure Firewall name.'];
  const protocols: Readonly<Record<string, string>> = {
    udp: 'UDP',
    tcp: 'TCP',
    'tcp/udp': 'TCP UDP',
    ip: 'Any',
  };
  let first = true;
  for (const r of rows) {
    out.push('', `# ${r.name}: ${r.row.purpose || r.row.protocol}`);
    if (r.missing !== null) {
      out.push(`# skipped: no destination (${r.missing})`);
      continue;
    }
    const args = [
      'az network firewall network-rule create',
      '--resource-group "$RG" --firewall-name "$FIREWALL"',
      `--collection-name ${quote(`egressgate-${header.profile}`)}`,
      // The first rule creates the collection, which needs a priority and an action.
      ...(first ? ['--priority 200 --action Allow'] : []),
      `--name ${quote(ruleName(r))}`,
      `--protocols ${protocols[r.row.protocol] ?? 'Any'}`,
      '--source-addresses $SOURCES',
    ];
    const addresses = [...r.addresses, ...r.serviceTags];
    if (addresses.length > 0) args.push(`--destination-addresses ${addresses.map(quote).join(' ')}`);
    // FQDNs in network rules need the firewall's DNS proxy turned on.
    if (r.names.length > 0) args.push(`--destination-fqdns ${r.names.map(quote).join(' ')}`);
    args.push(`--destination-ports ${r.row.ports.length === 0 ? "'*'" : r.row.ports.join(' ')}`);
    out.push(args.join(' \\\n    '));
    first = false;
  }
  return `${out.join('\n')}\n`;
}

/** `az network nsg rule create` commands, outbound Allow, priorities from 1000 in steps of 10. */
export function renderNsg(rows: readonly FirewallRow[], header: ExportHeader): string {
  const out = [...headerLines(header, '#'), ...PREAMBLE, '# NSG: the network security group name.'];
  const protocols: Readonly<Record<string, string>> = { udp: 'Udp', tcp: 'Tcp' };
  let priority = 1000;
  for (const r of rows) {
    out.push('', `# ${r.name}: ${r.row.purpose || r.row.protocol}`);
    if (r.missing !== null) {
      out.push(`# skipped: no destination (${r.missing})`);
      continue;
    }
    // An NSG rule takes a service tag only as its one destination: one rule per tag.
    const targets: [string, readonly string[]][] = [
      ...(r.addresses.length > 0 ? [['', r.addresses] as [string, readonly string[]]] : []),
      ...r.serviceTags.map(
        (t) => [`-${t.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`, [t]] as [string, readonly string[]],
      ),
    ];
    for (const [suffix, prefixes] of targets) {
      out.push(
        [
          'az network nsg rule create',
          '--resource-group "$RG" --nsg-name "$NSG"',
          `--name ${quote(ruleName(r, suffix))}`,
          `--priority ${priority} --direction Outbound --access Allow`,
          `--protocol ${protocols[r.row.protocol] ?? "'*'"}`,
          '--source-address-prefixes $SOURCES',
          `--destination-address-prefixes ${prefixes.map(quote).join(' ')}`,
          `--destination-port-ranges ${r.row.ports.length === 0 ? "'*'" : r.row.ports.join(' ')}`,
        ].join(' \\\n    '),
      );
      priority += 10;
    }
    for (const n of r.names) out.push(`# ${n}: a name; NSG rules match addresses and service tags only`);
  }
  return `${out.join('\n')}\n`;
}
