import type { AuditReport } from './audit-report.js';
import {
  decisionText,
  destinationLabel,
  formatBytes,
  formatTime,
  groupLabel,
  outcomeOf,
  parametersText,
} from './report-text.js';
import { textTable } from './text-table.js';

function heading(text: string): string[] {
  return ['', text, '='.repeat(text.length)];
}

/** The terminal format: aligned plain-text tables, no colour codes (it is often piped to a file). */
export function renderTable(r: AuditReport): string {
  const t = r.totals;
  const out: string[] = [
    `egressgate audit: ${t.connections} connection(s) to ${t.destinations} destination(s) from ${t.groups} client group(s); ` +
      `${formatBytes(t.bytesOut)} out, ${formatBytes(t.bytesIn)} in`,
  ];
  for (const i of r.inputs) {
    out.push(
      `  ${i.file}: ${i.lines} lines, ${i.decisions} decisions, ${i.closes} closes, ${i.malformed} malformed` +
        (i.error ? `; stopped: ${i.error}` : ''),
    );
  }
  if (t.openConnections > 0)
    out.push(`  ${t.openConnections} connection(s) still open at the end of the log`);
  if (t.unpairedCloses > 0) out.push(`  ${t.unpairedCloses} close line(s) without a decision line`);
  for (const m of r.malformed.examples) out.push(`  malformed ${m.file}:${m.line}: ${m.error}`);
  for (const g of r.groups) {
    out.push(...heading(`Client group ${groupLabel(g.group)}`));
    out.push(
      ...textTable(
        ['destination', 'conns', 'out', 'in', 'first seen', 'last seen', 'decision', 'rule / reason'],
        g.destinations.map((d) => [
          destinationLabel(d),
          String(d.connections),
          formatBytes(d.bytesOut),
          formatBytes(d.bytesIn),
          formatTime(d.firstSeen),
          formatTime(d.lastSeen),
          decisionText(d),
          outcomeOf(d),
        ]),
      ),
    );
  }
  out.push(...heading('Denied, or would have been (report mode)'));
  if (r.denied.length === 0) out.push('nothing');
  else {
    out.push(
      ...textTable(
        ['group', 'destination', 'decision', 'conns', 'reason'],
        r.denied.map((d) => [
          groupLabel(d.group),
          destinationLabel(d),
          d.decision,
          String(d.connections),
          d.reason ?? '-',
        ]),
      ),
    );
  }
  if (r.whatIf) {
    const w = r.whatIf;
    out.push(...heading(`What-if: ${w.profiles.join(' + ')} (${parametersText(w.parameters)})`));
    if (w.changes.length === 0) out.push('no change');
    else {
      out.push(
        ...textTable(
          ['group', 'destination', 'conns', 'change', 'recorded', 'with these profiles'],
          w.changes.map((c) => [
            groupLabel(c.group),
            destinationLabel(c),
            String(c.connections),
            c.change,
            c.before,
            c.after,
          ]),
        ),
      );
    }
    out.push(...heading(`Would be denied by ${w.profiles.join(' + ')}: ${w.denied.length} destination(s)`));
    if (w.notRedecided > 0)
      out.push(`(${w.notRedecided} refused before any profile was consulted: not re-decided)`);
    if (w.denied.length > 0) {
      out.push(
        ...textTable(
          ['group', 'destination', 'conns', 'reason'],
          w.denied.map((d) => [groupLabel(d.group), destinationLabel(d), String(d.connections), d.reason]),
        ),
      );
    }
    for (const c of r.coverage) {
      out.push(
        ...heading(`Coverage of ${c.profile}: ${c.used.length} rule(s) used, ${c.unused.length} unused`),
      );
      out.push(
        ...textTable(
          ['rule', 'used', 'conns', 'ports', 'hosts / CIDRs'],
          [
            ...c.used.map((u) => [
              u.id,
              'yes',
              String(u.connections),
              u.ports.join(','),
              [...u.hosts, ...u.cidrs].join(' '),
            ]),
            ...c.unused.map((u) => [u.id, 'NO', '0', u.ports.join(','), [...u.hosts, ...u.cidrs].join(' ')]),
            ...c.inactive.map((u) => [u.id, 'inactive', '0', '-', u.why]),
          ],
        ),
      );
    }
  }
  const s = r.suggestion;
  out.push(
    ...heading(
      `Suggested profile ${s.name} (${s.rules.length} rule(s), from ${s.basis === 'what-if' ? 'the what-if' : 'the recorded'} denials)`,
    ),
  );
  out.push(s.yaml === null ? 'nothing to add' : s.yaml.trimEnd());
  return `${out.join('\n')}\n`;
}
