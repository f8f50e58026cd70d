import { isIP } from 'node:net';
import { loadPolicy } from '../policy/load-policy.js';
import { reportCliError } from './report-cli-error.js';
import { describeNeeds, listUnproxiedRows, type UnproxiedRow } from './unproxied-rows.js';
import { renderAzureFirewall, renderNsg } from './render-azure-rules.js';
import { renderNftables } from './render-nftables.js';

export const EXPORT_FORMATS = ['nftables', 'azure-firewall', 'nsg'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One unproxied row with its destinations sorted by what a firewall can do with them. */
export interface FirewallRow {
  readonly name: string;
  readonly row: UnproxiedRow;
  readonly addresses: readonly string[];
  readonly names: readonly string[];
  readonly serviceTags: readonly string[];
  /** Why the row yields no rule at all (no destination yet), or null. */
  readonly missing: string | null;
}

export function classifyRow(row: UnproxiedRow): FirewallRow {
  const addresses: string[] = [];
  const names: string[] = [];
  const serviceTags: string[] = [];
  for (const d of row.destinations) {
    const text = d.trim();
    if (text.startsWith('servicetag:')) serviceTags.push(text.slice('servicetag:'.length));
    else if (isIP(text.split('/', 1)[0] ?? '') !== 0) addresses.push(text);
    else names.push(text);
  }
  return {
    name: `${row.profile}/${row.id}`,
    row,
    addresses,
    names,
    serviceTags,
    missing: row.destinations.length === 0 ? describeNeeds(row.needs) : null,
  };
}

/** `profiles export NAME --format F`: what the proxy cannot carry, as rules for the firewall. */
export async function runExport(
  dirs: readonly string[],
  name: string,
  opts: { set: Record<string, string>; format: ExportFormat },
): Promise<number> {
  let rows: UnproxiedRow[];
  try {
    const policy = await loadPolicy({ dir: dirs, profiles: [name], parameters: opts.set });
    rows = await listUnproxiedRows(dirs, policy);
  } catch (err) {
    return reportCliError(err);
  }
  const classified = rows.map(classifyRow);
  const header = {
    profile: name,
    parameters: Object.entries(opts.set).map(([k, v]) => `${k}=${v}`),
  };
  const text =
    opts.format === 'nftables'
      ? renderNftables(classified, header)
      : opts.format === 'azure-firewall'
        ? renderAzureFirewall(classified, header)
        : renderNsg(classified, header);
  process.stdout.write(text);
  const unset = classified.filter((r) => r.missing !== null);
  for (const r of unset)
    process.stderr.write(`egressgate: ${r.name}: no destination, skipped (${r.missing ?? ''})\n`);
  return 0;
}
