import type { AuditReport } from './audit-report.js';
import { renderTextBars } from './render-bar-chart.js';
import { buildReportSections } from './build-report-sections.js';
import type { Block, Cell, Inline } from './report-section.js';

/** Text outside code spans: no raw HTML from log values (they are client-controlled). */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Host names and patterns as code, so `*.docker.io` is not read as emphasis. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function inline(text: Inline): string {
  return text.map((s) => (typeof s === 'string' ? escapeText(s) : code(s.code))).join('');
}

/** A table cell: pipes would split the cell, newlines the row. */
function cell(c: Cell): string {
  return inline([c]).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function block(b: Block): string[] {
  switch (b.kind) {
    case 'paragraph':
      return [inline(b.text), ''];
    case 'list':
      return [...b.items.map((i) => `- ${inline(i)}`), ''];
    case 'table':
      return [
        `| ${b.headers.join(' | ')} |`,
        `|${b.headers.map(() => '---').join('|')}|`,
        ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
        '',
      ];
    case 'code':
      return [`\`\`\`${b.language}`, b.text, '```', ''];
    case 'chart':
      return ['```text', ...renderTextBars(b.bars), '```', ''];
  }
}

/** GitHub-flavoured Markdown, fit for a wiki page or a change request. */
export function renderMarkdown(r: AuditReport): string {
  const out: string[] = [];
  for (const s of buildReportSections(r)) {
    out.push(`${'#'.repeat(s.level)} ${inline(s.title)}`, '');
    for (const b of s.blocks) out.push(...block(b));
  }
  return out.join('\n');
}
