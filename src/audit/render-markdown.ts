import type { AuditReport, ProfileCoverage, RuleRef } from './audit-report.js';
import {
  decisionText,
  destinationLabel,
  formatBytes,
  formatTime,
  groupLabel,
  outcomeOf,
  parametersText,
} from './report-text.js';

/**
 * A table cell: pipes would split the cell, newlines the row, and `<` outside code spans would be raw
 * HTML to a Markdown renderer (log values are client-controlled).
 */
function cell(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    )
    .join('')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** Text outside code spans and tables (headings): no raw HTML from log values. */
function escapeInline(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Host names and patterns as code, so `*.docker.io` is not read as emphasis. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function targetsOf(r: RuleRef): string {
  return [...r.hosts, ...r.cidrs].map(code).join(', ');
}

function coverageLines(c: ProfileCoverage): string[] {
  const out = [`### Coverage of profile ${code(c.profile)}`, ''];
  out.push(`${c.used.length} rule(s) used, ${c.unused.length} never used.`, '');
  if (c.used.length > 0) {
    out.push(
      ...table(
        ['used rule', 'hosts / CIDRs', 'ports', 'connections', 'destinations'],
        c.used.map((r) => [
          code(r.id),
          targetsOf(r),
          r.ports.join(', '),
          String(r.connections),
          String(r.destinations),
        ]),
      ),
      '',
    );
  }
  if (c.unused.length > 0) {
    out.push(
      ...table(
        ['unused rule', 'hosts / CIDRs', 'ports'],
        c.unused.map((r) => [code(r.id), targetsOf(r), r.ports.join(', ')]),
      ),
      '',
    );
  }
  if (c.inactive.length > 0) {
    out.push(
      ...table(
        ['inactive rule', 'why it cannot match'],
        c.inactive.map((r) => [code(r.id), r.why]),
      ),
      '',
    );
  }
  return out;
}

/** GitHub-flavoured Markdown, fit for a wiki page or a change request. */
export function renderMarkdown(r: AuditReport): string {
  const t = r.totals;
  const out: string[] = ['# egressgate audit', ''];
  out.push(
    `${t.connections} connection(s) to ${t.destinations} destination(s) from ${t.groups} client group(s); ` +
      `${formatBytes(t.bytesOut)} out, ${formatBytes(t.bytesIn)} in. ` +
      `${t.openConnections} still open at the end of the log, ${t.unpairedCloses} close line(s) without a decision line.`,
    '',
  );
  out.push(
    ...table(
      ['input', 'lines', 'decisions', 'closes', 'other', 'malformed', 'read error'],
      r.inputs.map((i) => [
        i.file,
        String(i.lines),
        String(i.decisions),
        String(i.closes),
        String(i.otherLines),
        String(i.malformed),
        i.error ?? '-',
      ]),
    ),
    '',
  );
  if (r.malformed.count > 0) {
    out.push(`## Malformed lines (${r.malformed.count})`, '');
    for (const m of r.malformed.examples)
      out.push(`- ${escapeInline(m.file)}:${m.line}: ${m.error}: ${code(m.excerpt)}`);
    out.push('');
  }
  out.push('## Traffic by client group', '');
  for (const g of r.groups) {
    out.push(`### ${escapeInline(groupLabel(g.group))}`, '');
    out.push(
      ...table(
        [
          'destination',
          'connections',
          'bytes out',
          'bytes in',
          'first seen',
          'last seen',
          'decision',
          'rule / reason',
        ],
        g.destinations.map((d) => [
          code(destinationLabel(d)),
          String(d.connections),
          formatBytes(d.bytesOut),
          formatBytes(d.bytesIn),
          formatTime(d.firstSeen),
          formatTime(d.lastSeen),
          decisionText(d),
          outcomeOf(d),
        ]),
      ),
      '',
    );
  }
  out.push('## Denied, or would have been (report mode)', '');
  if (r.denied.length === 0) out.push('Nothing was denied.', '');
  else {
    out.push(
      ...table(
        ['client group', 'destination', 'decision', 'connections', 'reason', 'last seen'],
        r.denied.map((d) => [
          groupLabel(d.group),
          code(destinationLabel(d)),
          d.decision,
          String(d.connections),
          d.reason ?? '-',
          formatTime(d.lastSeen),
        ]),
      ),
      '',
    );
  }
  if (r.whatIf) {
    const w = r.whatIf;
    out.push(`## What-if: ${w.profiles.map(code).join(' + ')} (${parametersText(w.parameters)})`, '');
    if (w.changes.length === 0) out.push('The recorded traffic would be decided the same way.', '');
    else {
      out.push(
        ...table(
          ['client group', 'destination', 'connections', 'change', 'recorded', 'with these profiles'],
          w.changes.map((c) => [
            groupLabel(c.group),
            code(destinationLabel(c)),
            String(c.connections),
            c.change,
            c.before,
            c.after,
          ]),
        ),
        '',
      );
    }
    out.push(
      `${w.denied.length} destination(s) would be denied by these profiles` +
        (w.notRedecided > 0
          ? `; ${w.notRedecided} refused before any profile was consulted were not re-decided.`
          : '.'),
      '',
    );
    if (w.denied.length > 0) {
      out.push(
        ...table(
          ['client group', 'destination', 'connections', 'reason'],
          w.denied.map((d) => [
            groupLabel(d.group),
            code(destinationLabel(d)),
            String(d.connections),
            d.reason,
          ]),
        ),
        '',
      );
    }
    for (const c of r.coverage) out.push(...coverageLines(c));
  }
  const s = r.suggestion;
  out.push(`## Suggested profile ${code(s.name)}`, '');
  const basis = s.basis === 'what-if' ? 'what the given profiles would still deny' : 'the recorded denials';
  if (s.yaml === null) out.push(`Nothing to add: no denial among ${basis} is about the profile.`, '');
  else {
    out.push(
      `Covers ${basis}; subdomains are grouped into a wildcard where at least ${s.wildcardMin} names share a parent. Review every rule before use.`,
      '',
    );
    out.push('```yaml', s.yaml.trimEnd(), '```', '');
  }
  return out.join('\n');
}
