export type Cell = string | number | null;

/** A plain aligned text table: numbers right-aligned with `digits` decimals, text left-aligned. */
export function formatTable(
  title: string,
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  digits = 1,
): string {
  const text = rows.map((row) => row.map((cell) => formatCell(cell, digits)));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[], numeric: readonly boolean[]): string =>
    cells
      .map((c, i) => (numeric[i] === true ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ');
  const numericColumns = header.map((_, i) => rows.some((row) => typeof row[i] === 'number'));
  return [
    `\n${title}`,
    line(header, numericColumns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...text.map((row) => line(row, numericColumns)),
  ].join('\n');
}

function formatCell(cell: Cell, digits: number): string {
  if (cell === null) return '-';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return 'n/a';
  return cell.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
