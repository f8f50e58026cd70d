import type { DocumentRow } from './audit-report.js';
import { registrableDomain, type CatalogRow, type DocumentCatalog } from './document-catalog.js';

function portIn(port: number, ports: readonly string[]): boolean {
  return ports.some((p) => {
    const [lo = '', hi = lo] = p.split('-');
    return port >= Number(lo) && port <= Number(hi);
  });
}

function commonSuffixLabels(a: string, b: string): number {
  const x = a.split('.').reverse();
  const y = b.split('.').reverse();
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n += 1;
  return n;
}

interface Candidate {
  readonly row: CatalogRow;
  readonly relation: DocumentRow['relation'];
  readonly score: number;
  readonly note: string;
}

function judge(row: CatalogRow, host: string, port: number): Candidate | null {
  let best: Candidate | null = null;
  const consider = (c: Candidate): void => {
    if (!best || c.score > best.score) best = c;
  };
  const domain = registrableDomain(host);
  for (const { pattern, regex, tail } of row.matchers) {
    // Specificity first: a deep sibling is closer than a match by `*.azure.com`; a row that names the
    // host itself is the closest there is (closer than a `*.` row leaving out that very name).
    const depth = pattern === host ? 1000 : 100 * tail.split('.').length;
    if (regex.test(host)) {
      const onPort = portIn(port, row.ports);
      consider({
        row,
        relation: 'matches',
        score: depth + (onPort ? 60 : 50),
        note: onPort
          ? `${pattern} covers it on port ${port}: the row is in a profile not in force, or its parameters differ`
          : `${pattern} covers the name on ports ${row.ports.join(', ')}, not on ${port}`,
      });
      continue;
    }
    if (pattern.startsWith('*.') && tail === pattern.slice(2) && host === tail) {
      consider({
        row,
        relation: 'apex',
        score: 800,
        note: `${pattern} covers names under ${host}, not ${host} itself`,
      });
      continue;
    }
    if (domain === null || tail.length === 0 || registrableDomain(tail) !== domain) continue;
    const shared = commonSuffixLabels(host, tail);
    const parent = host.split('.').slice(-shared).join('.');
    consider({
      row,
      relation: 'sibling',
      score: 100 * shared,
      note: `${pattern} shares the parent ${parent}`,
    });
  }
  return best;
}

/**
 * The document row a refused name is closest to: one whose pattern covers it (another profile, another
 * port), whose `*.` pattern leaves out exactly this parent, or which shares the deepest parent with it
 * within one registrable domain; the deeper the pattern's fixed part, the closer. A tie goes to a row
 * of a `preferred` profile (those in force), then to the first in the catalog. Null when no row
 * shares even the registrable domain.
 */
export function findNearestRow(
  catalog: DocumentCatalog,
  host: string,
  port: number,
  preferred: ReadonlySet<string> = new Set(),
): DocumentRow | null {
  let best: Candidate | null = null;
  for (const row of catalog.rows) {
    const judged = judge(row, host, port);
    // Between equally close rows, one of a profile the traffic was decided by reads best in the report.
    const c = judged && preferred.has(row.profile) ? { ...judged, score: judged.score + 5 } : judged;
    // First row wins a tie: the catalog is in file and rule order, so the answer is stable.
    if (c && (!best || c.score > best.score)) best = c;
  }
  if (!best) return null;
  const { row, relation, note } = best;
  return {
    profile: row.profile,
    rule: row.rule,
    hosts: row.hosts,
    ports: row.ports,
    relation,
    note,
    document: row.document,
    title: row.title,
    section: row.section,
    entry: row.entry,
  };
}
