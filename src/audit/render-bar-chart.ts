import { escapeHtml } from './escape-html.js';

/** The bars' colour. Used nowhere else on the page, so a screenshot test can find the bars by it. */
export const BAR_COLOR = '#c2255c';

export interface Bar {
  readonly label: string;
  readonly value: number;
}

const ROW = 26;
const LABEL_WIDTH = 330;
const BAR_MAX = 420;
const VALUE_WIDTH = 60;

/**
 * A horizontal bar chart as inline SVG (no script, no external font or stylesheet). Bar lengths are
 * proportional to value, the largest taking the full BAR_MAX width.
 */
export function renderBarChart(bars: readonly Bar[], title: string): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const width = LABEL_WIDTH + BAR_MAX + VALUE_WIDTH;
  const height = ROW * bars.length + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * ROW;
    const w = Math.max(1, Math.round((BAR_MAX * b.value) / max));
    return (
      `<text x="${LABEL_WIDTH - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(b.label)}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w}" height="${ROW - 8}" fill="${BAR_COLOR}"/>` +
      `<text x="${LABEL_WIDTH + w + 6}" y="${y + 17}">${b.value}</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">` +
    `<title>${escapeHtml(title)}</title>${rows.join('')}</svg>`
  );
}

/** Width in characters of the longest bar in the text chart. */
const TEXT_BAR_MAX = 40;

/** The same chart for a terminal or a Markdown code block: `label  ##### 3`. */
export function renderTextBars(bars: readonly Bar[]): string[] {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const width = Math.max(0, ...bars.map((b) => b.label.length));
  return bars.map(
    (b) =>
      `${b.label.padEnd(width)}  ${'#'.repeat(Math.max(1, Math.round((TEXT_BAR_MAX * b.value) / max)))} ${b.value}`,
  );
}
