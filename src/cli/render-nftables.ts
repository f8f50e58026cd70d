import { isIPv6 } from 'node:net';
import type { FirewallRow } from './export-unproxied.js';

export interface ExportHeader {
  readonly profile: string;
  readonly parameters: readonly string[];
}

export function headerLines(header: ExportHeader, prefix: string): string[] {
  const set = header.parameters.map((p) => ` --set ${p}`).join('');
  return [
    `${prefix} egressgate profiles export ${header.profile}${set}`,
    `${prefix} Openings the proxy cannot carry (UDP, DNS, NTP, service tags): apply them on the firewall.`,
  ];
}

function portMatch(protocol: string, ports: readonly string[]): string {
  const set = ports.length === 0 ? null : `{ ${ports.join(', ')} }`;
  switch (protocol) {
    case 'udp':
    case 'tcp':
      return set === null ? `meta l4proto ${protocol}` : `${protocol} dport ${set}`;
    case 'tcp/udp':
      return set === null ? 'meta l4proto { tcp, udp }' : `meta l4proto { tcp, udp } th dport ${set}`;
    default:
      return '';
  }
}

/**
 * `nft -f` input: `add rule` lines for the forward chain of table `inet filter` (rename both to yours).
 * nftables matches addresses only, so names and service tags become comments saying what to do.
 */
export function renderNftables(rows: readonly FirewallRow[], header: ExportHeader): string {
  const out = [
    ...headerLines(header, '#'),
    '# Rules go to table inet filter, chain forward (use output on the host itself); rename to yours.',
  ];
  for (const r of rows) {
    out.push('', `# ${r.name}: ${r.row.purpose || r.row.protocol}`);
    if (r.missing !== null) {
      out.push(`# skipped: no destination (${r.missing})`);
      continue;
    }
    const ports = portMatch(r.row.protocol, r.row.ports);
    const v4 = r.addresses.filter((a) => !isIPv6(a.split('/', 1)[0] ?? ''));
    const v6 = r.addresses.filter((a) => isIPv6(a.split('/', 1)[0] ?? ''));
    for (const [family, list] of [
      ['ip', v4],
      ['ip6', v6],
    ] as const) {
      if (list.length === 0) continue;
      const match = [`${family} daddr { ${list.join(', ')} }`, ports].filter((m) => m !== '').join(' ');
      out.push(`add rule inet filter forward ${match} accept comment "egressgate ${r.name}"`);
    }
    for (const n of r.names) {
      out.push(
        `# ${n}: a name; nftables matches addresses: resolve it into a set, or use an FQDN-aware firewall`,
      );
    }
    for (const t of r.serviceTags) {
      out.push(
        `# service tag ${t}: its ranges come from Azure's "IP Ranges and Service Tags" file (egressgate servicetags import)`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
