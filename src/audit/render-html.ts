import type { AuditReport, ProfileCoverage, RuleRef } from './audit-report.js';
import { escapeHtml } from './escape-html.js';
import { renderBarChart } from './render-bar-chart.js';
import {
  decisionText,
  destinationLabel,
  formatBytes,
  formatTime,
  groupLabel,
  outcomeOf,
  parametersText,
} from './report-text.js';

/** Denied destinations shown in the chart; the tables list them all. */
export const CHART_TOP = 10;

/** A cell is text, or code (host names, patterns, rule ids) set in monospace. */
type Cell = string | { readonly code: string };

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 24px; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px; overflow-x: auto; }
.deny { color: #a40e26; font-weight: 600; } .report { color: #9a6700; font-weight: 600; } .allow { color: #1a7f37; }
.summary { color: #57606a; } .chart text { fill: #1f2328; }
`;

function td(c: Cell): string {
  if (typeof c !== 'string') return `<td><code>${escapeHtml(c.code)}</code></td>`;
  if (/^[0-9]+$/.test(c)) return `<td class="n">${c}</td>`;
  const cls = /^(allow|deny|report)\b/.exec(c)?.[1];
  return cls ? `<td class="${cls}">${escapeHtml(c)}</td>` : `<td>${escapeHtml(c)}</td>`;
}

function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  return `<table>${head}${rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('')}</table>`;
}

function targets(r: RuleRef): string {
  return [...r.hosts, ...r.cidrs].join(' ');
}

function coverage(c: ProfileCoverage): string {
  return (
    `<h3>Coverage of <code>${escapeHtml(c.profile)}</code>: ${c.used.length} rule(s) used, ${c.unused.length} never used</h3>` +
    table(
      ['rule', 'used', 'connections', 'destinations', 'ports', 'hosts / CIDRs'],
      [
        ...c.used.map((u): Cell[] => [
          { code: u.id },
          'yes',
          String(u.connections),
          String(u.destinations),
          u.ports.join(', '),
          { code: targets(u) },
        ]),
        ...c.unused.map((u): Cell[] => [
          { code: u.id },
          'never',
          '0',
          '0',
          u.ports.join(', '),
          { code: targets(u) },
        ]),
        ...c.inactive.map((u): Cell[] => [{ code: u.id }, 'inactive', '0', '0', '-', u.why]),
      ],
    )
  );
}

/**
 * One self-contained HTML file: inline CSS, inline SVG chart, no script and no external resource, so it
 * can be attached to a change request and opened anywhere.
 */
export function renderHtml(r: AuditReport): string {
  const t = r.totals;
  const parts: string[] = [];
  parts.push(
    `<h1>egressgate audit</h1><p class="summary">${t.connections} connection(s) to ${t.destinations} destination(s) from ${t.groups} client group(s); ` +
      `${escapeHtml(formatBytes(t.bytesOut))} out, ${escapeHtml(formatBytes(t.bytesIn))} in; ${r.malformed.count} malformed line(s); ` +
      `inputs: ${escapeHtml(r.inputs.map((i) => i.file + (i.error ? ` (stopped: ${i.error})` : '')).join(', '))}</p>`,
  );
  const top = r.denied.slice(0, CHART_TOP);
  parts.push('<h2>Top denied destinations (deny and report), by connections</h2>');
  parts.push(
    top.length > 0
      ? renderBarChart(
          top.map((d) => ({
            label: `${destinationLabel(d)} · ${d.group ?? 'no client group'}`,
            value: d.connections,
          })),
          'Top denied destinations by connections',
        )
      : '<p>Nothing was denied.</p>',
  );
  if (r.denied.length > 0) {
    parts.push(
      table(
        ['client group', 'destination', 'decision', 'connections', 'reason', 'last seen'],
        r.denied.map((d) => [
          groupLabel(d.group),
          { code: destinationLabel(d) },
          d.decision,
          String(d.connections),
          d.reason ?? '-',
          formatTime(d.lastSeen),
        ]),
      ),
    );
  }
  parts.push('<h2>Traffic by client group</h2>');
  for (const g of r.groups) {
    parts.push(`<h3>${escapeHtml(groupLabel(g.group))}</h3>`);
    parts.push(
      table(
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
          { code: destinationLabel(d) },
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
  if (r.whatIf) {
    const w = r.whatIf;
    parts.push(
      `<h2>What-if: ${escapeHtml(w.profiles.join(' + '))} (${escapeHtml(parametersText(w.parameters))})</h2>`,
    );
    parts.push(
      w.changes.length === 0
        ? '<p>The recorded traffic would be decided the same way.</p>'
        : table(
            ['client group', 'destination', 'connections', 'change', 'recorded', 'with these profiles'],
            w.changes.map((c) => [
              groupLabel(c.group),
              { code: destinationLabel(c) },
              String(c.connections),
              c.change,
              c.before,
              c.after,
            ]),
          ),
    );
    parts.push(
      `<h3>Would be denied by these profiles: ${w.denied.length} destination(s)` +
        (w.notRedecided > 0
          ? ` (${w.notRedecided} refused before any profile was consulted: not re-decided)`
          : '') +
        '</h3>',
    );
    if (w.denied.length > 0) {
      parts.push(
        table(
          ['client group', 'destination', 'connections', 'reason'],
          w.denied.map((d) => [
            groupLabel(d.group),
            { code: destinationLabel(d) },
            String(d.connections),
            d.reason,
          ]),
        ),
      );
    }
    for (const c of r.coverage) parts.push(coverage(c));
  }
  if (r.malformed.count > 0) {
    parts.push(`<h2>Malformed lines (${r.malformed.count})</h2>`);
    parts.push(
      table(
        ['file', 'line', 'error', 'starts with'],
        r.malformed.examples.map((m) => [m.file, String(m.line), m.error, { code: m.excerpt }]),
      ),
    );
  }
  const s = r.suggestion;
  parts.push(`<h2>Suggested profile <code>${escapeHtml(s.name)}</code></h2>`);
  parts.push(s.yaml === null ? '<p>Nothing to add.</p>' : `<pre>${escapeHtml(s.yaml)}</pre>`);
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>egressgate audit</title>` +
    `<meta name="color-scheme" content="light"><style>${STYLE}</style></head>\n<body>\n${parts.join('\n')}\n</body></html>\n`
  );
}
