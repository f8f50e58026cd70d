import type { AuditReport } from './audit-report.js';
import { renderTextBars } from './render-bar-chart.js';
import { buildReportSections } from './build-report-sections.js';
import { plainText, type Block, type Cell, type Section } from './report-section.js';
import { textTable } from './text-table.js';

function cellText(c: Cell): string {
  return typeof c === 'string' ? c : c.code;
}

function heading(s: Section): string[] {
  const text = plainText(s.title);
  if (s.level === 1) return [text];
  return ['', text, (s.level === 2 ? '=' : '-').repeat(text.length)];
}

function block(b: Block): string[] {
  switch (b.kind) {
    case 'paragraph':
      return [plainText(b.text)];
    case 'list':
      return b.items.map((i) => `- ${plainText(i)}`);
    case 'table':
      return textTable(
        b.headers,
        b.rows.map((r) => r.map(cellText)),
      );
    case 'code':
      return [b.text];
    case 'chart':
      return renderTextBars(b.bars);
  }
}

/** The terminal format: aligned plain-text tables, no colour codes (it is often piped to a file). */
export function renderTable(r: AuditReport): string {
  const out: string[] = [];
  for (const s of buildReportSections(r)) {
    out.push(...heading(s));
    for (const b of s.blocks) out.push('', ...block(b));
  }
  return `${out.join('\n')}\n`;
}
