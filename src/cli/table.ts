// Plain aligned columns for terminal listings (no dependency): header, then rows, two spaces between columns.

/** Styles a body cell after padding, so colour escapes never count as width. */
export type CellPainter = (column: number, cell: string) => string;

/** Renders rows under a header, each column as wide as its widest cell; the last column is not padded. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  paint: CellPainter = (_col, cell) => cell,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], painter: CellPainter): string =>
    cells
      .map((c, i) => {
        const padding = i === cells.length - 1 ? '' : ' '.repeat(Math.max(0, (widths[i] ?? 0) - c.length));
        return painter(i, c) + padding;
      })
      .join('  ')
      .trimEnd();
  const body = rows.map((r) => line(r, paint));
  return `${[line(header, (_i, c) => c), ...body].join('\n')}\n`;
}

/** A short age: 42s, 5m, 3h, 12d ('-' when unknown). */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
