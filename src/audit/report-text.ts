import type { ClientSummary, DestinationRow, DocumentRow } from './audit-report.js';
import { formatHostPort } from '../address/format-host-port.js';

/** How report values read to a person; every human-facing format uses these so they agree. */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i] ?? 'TiB'}`;
}

export function groupLabel(group: string | null): string {
  return group ?? '(no client group)';
}

export function destinationLabel(d: { host: string; port: number }): string {
  return formatHostPort(d.host, d.port);
}

/** `2026-11-16T09:00:01.200Z` -> `2026-11-16 09:00:01Z`: seconds are enough to read a log by. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** The rule that allowed it, the reason it was refused, or both for a destination with mixed outcomes. */
export function outcomeOf(d: DestinationRow): string {
  const parts: string[] = [];
  if (d.rule !== null) parts.push(d.rule);
  if (d.reason !== null) parts.push(d.reason);
  return parts.join('; ') || '-';
}

export function decisionText(d: DestinationRow): string {
  if (d.decision !== 'mixed') return d.decision;
  const { allow, deny, report } = d.decisions;
  return `mixed (${allow} allow, ${deny} deny, ${report} report)`;
}

export function parametersText(parameters: Readonly<Record<string, string>>): string {
  const list = Object.entries(parameters).map(([k, v]) => `${k}=${v}`);
  return list.length > 0 ? list.join(', ') : 'no parameters';
}

/** `10.1.0.11 (3), 10.1.0.12 (1)`, and how many more distinct clients there were. */
export function clientsText(c: ClientSummary): string {
  const top = c.topClients.map((t) => `${t.client} (${t.connections})`).join(', ');
  const more = c.clients - c.topClients.length;
  return (top || '-') + (more > 0 ? ` +${more} more` : '');
}

/** `003 Azure Arc network requirements / section: entry`: the document row, as a person looks it up. */
export function documentRowText(row: DocumentRow): string {
  const doc = row.title === null ? row.document : `${row.document} ${row.title}`;
  const where = [row.section, row.entry].filter((p): p is string => p !== null).join(': ');
  return where ? `${doc} / ${where}` : doc;
}

export function windowText(w: {
  first: string | null;
  last: string | null;
  hours: number;
  lines: number;
}): string {
  if (w.first === null || w.last === null) return `No decision or close line in ${w.lines} line(s) read.`;
  return `Observed ${formatTime(w.first)} to ${formatTime(w.last)} (${w.hours} hour(s)); ${w.lines} line(s) read.`;
}
