import type { CompiledPolicy } from '../policy/compiled-policy.js';
import { loadNamedProfile } from '../policy/load-policy.js';
import type { ResolvedUnproxied } from '../policy/resolved-rule.js';

/** An unproxied row, and the parameters to set when it names no destination yet (an empty list). */
export interface UnproxiedRow extends ResolvedUnproxied {
  readonly needs: readonly string[];
}

/**
 * The policy's unproxied rows. A row like NTP reads `{ntp_servers}`, whose default is an empty list:
 * it then has no destination, and the operator must be told which parameter gives it one.
 */
export async function listUnproxiedRows(
  dirs: readonly string[],
  policy: CompiledPolicy,
): Promise<UnproxiedRow[]> {
  const rows: UnproxiedRow[] = [];
  for (const row of policy.unproxied) {
    if (row.destinations.length > 0) {
      rows.push({ ...row, needs: [] });
      continue;
    }
    const profile = await loadNamedProfile(dirs, row.profile);
    const written = profile.document.unproxied?.find((u) => u.id === row.id)?.destinations ?? [];
    const needs = [
      ...new Set(written.flatMap((d) => [...d.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? ''))),
    ];
    rows.push({ ...row, needs });
  }
  return rows;
}

/** "set ntp_servers" (or "set a or b"): what an empty row is waiting for. */
export function describeNeeds(needs: readonly string[]): string {
  return needs.length === 0 ? 'no destination' : `set ${needs.join(' or ')}`;
}
