import type { Bar } from './render-bar-chart.js';

/**
 * The one row model the human formats render (terminal table, markdown, HTML): every section, table
 * row and cell is built once, in build-report-sections.ts, so the formats cannot drift apart.
 */

/** Text, or code (host names, patterns, rule ids) set in monospace. */
export type Span = string | { readonly code: string };
export type Inline = readonly Span[];

/** A table cell: text (a number or an allow/deny/report word is styled by the HTML format), or code. */
export type Cell = Span;

export type Block =
  | { readonly kind: 'paragraph'; readonly text: Inline }
  | { readonly kind: 'list'; readonly items: readonly Inline[] }
  | {
      readonly kind: 'table';
      readonly headers: readonly string[];
      readonly rows: readonly (readonly Cell[])[];
    }
  | { readonly kind: 'code'; readonly language: string; readonly text: string }
  | { readonly kind: 'chart'; readonly title: string; readonly bars: readonly Bar[] };

export interface Section {
  /** 1: the report title; 2: a section; 3: a subsection (a client group, a profile). */
  readonly level: 1 | 2 | 3;
  readonly title: Inline;
  readonly blocks: readonly Block[];
}

/** The plain text of an inline run: what a terminal shows. */
export function plainText(text: Inline): string {
  return text.map((s) => (typeof s === 'string' ? s : s.code)).join('');
}
