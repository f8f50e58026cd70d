import type { AuditReport } from './audit-report.js';
import { buildReportSections } from './build-report-sections.js';
import { escapeHtml } from './escape-html.js';
import { renderBarChart } from './render-bar-chart.js';
import type { Block, Cell, Inline } from './report-section.js';

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
p { color: #57606a; } .chart text { fill: #1f2328; }
`;

function inline(text: Inline): string {
  return text
    .map((s) => (typeof s === 'string' ? escapeHtml(s) : `<code>${escapeHtml(s.code)}</code>`))
    .join('');
}

function td(c: Cell): string {
  if (typeof c !== 'string') return `<td><code>${escapeHtml(c.code)}</code></td>`;
  if (/^[0-9]+$/.test(c)) return `<td class="n">${c}</td>`;
  const cls = /^(allow|deny|report)\b/.exec(c)?.[1];
  return cls ? `<td class="${cls}">${escapeHtml(c)}</td>` : `<td>${escapeHtml(c)}</td>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p>${inline(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'table': {
      const head = `<tr>${b.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
      return `<table>${head}${b.rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('')}</table>`;
    }
    case 'code':
      return `<pre>${escapeHtml(b.text)}</pre>`;
    case 'chart':
      return renderBarChart(b.bars, b.title);
  }
}

/**
 * One self-contained HTML file: inline CSS, inline SVG chart, no script and no external resource, so it
 * can be attached to a change request and opened anywhere.
 */
export function renderHtml(r: AuditReport): string {
  const parts: string[] = [];
  for (const s of buildReportSections(r)) {
    parts.push(`<h${s.level}>${inline(s.title)}</h${s.level}>`);
    for (const b of s.blocks) parts.push(block(b));
  }
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>egressgate audit</title>` +
    `<meta name="color-scheme" content="light"><style>${STYLE}</style></head>\n<body>\n${parts.join('\n')}\n</body></html>\n`
  );
}
