import { exampleHosts } from './derive-hosts.js';
import { expandName, type DocumentRow } from './document-row.js';

/**
 * A document row with the condition its document states for it ("When required" in 003's servers
 * table, "Required when ... is configured" in the Kubernetes table, the "Connectivity recommendations"
 * heading in 002), mapped by hand to the feature names issue 11 gives.
 */
export interface ConditionalRow {
  /** The condition as the document words it. */
  readonly documentSays: string;
  /** Any of these features brings the row into force. */
  readonly features: readonly string[];
}

/** Splits rows into those in force with `features` and example hosts of the others, for foreignNames. */
export function selectByFeatures(
  rows: readonly DocumentRow[],
  conditionOf: (row: DocumentRow) => ConditionalRow | undefined,
  features: readonly string[],
  placeholders: Readonly<Record<string, string>>,
): { rows: DocumentRow[]; others: string[] } {
  const inForce = (row: DocumentRow): boolean => {
    const condition = conditionOf(row);
    return condition === undefined || condition.features.some((f) => features.includes(f));
  };
  return {
    rows: rows.filter(inForce),
    others: rows
      .filter((row) => !inForce(row))
      .flatMap((row) => row.names.flatMap((n) => expandName(n, placeholders) ?? []))
      .flatMap(exampleHosts),
  };
}

/** The rows with every `<region>` name written out once per region (a multi-value region parameter). */
export function expandRegions(rows: readonly DocumentRow[], regions: readonly string[]): DocumentRow[] {
  return rows.map((row) => ({
    ...row,
    names: row.names.flatMap((n) =>
      n.includes('<region>') ? regions.map((r) => n.replaceAll('<region>', r)) : [n],
    ),
  }));
}
