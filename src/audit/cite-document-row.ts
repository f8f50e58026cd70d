import type { DocumentRow, SuggestedRule } from './audit-report.js';

/**
 * The provenance of a suggested rule for one name on one port: the document row it completes (a row
 * whose pattern covers the name, in a profile not in force or on other ports, or the `*.parent` row
 * that leaves the name out), with a note saying how; null when there is none: the rule cites the audit.
 */
export function citeDocumentRow(
  members: readonly string[],
  ports: readonly number[],
  nearest: ((host: string, port: number) => DocumentRow | null) | undefined,
): SuggestedRule['provenance'] | null {
  const [only] = members;
  if (members.length !== 1 || only === undefined || ports.length !== 1 || !nearest) return null;
  const row = nearest(only, ports[0] ?? 0);
  if (!row || row.relation === 'sibling') return null;
  return {
    document: row.document,
    ...(row.section === null ? {} : { section: row.section }),
    ...(row.entry === null ? {} : { entry: row.entry }),
    note: `audit: ${row.note} (${row.profile}/${row.rule})`,
  };
}
