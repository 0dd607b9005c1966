/** A plain text table: a header row, then rows, columns padded to their widest cell. */
export function renderTable(
  header: string[],
  rows: string[][],
  rightAligned: ReadonlySet<number> = new Set(),
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Times in the API are ms since the epoch; 0 or null means "not yet". */
export function formatTime(ms: number | null | undefined): string {
  return ms ? new Date(ms).toISOString() : '-';
}
