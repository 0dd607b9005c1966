import type { ScenarioComparison } from './compare.ts';

const clip = (text: string, n = 600) => (text.length > n ? `${text.slice(0, n)}…` : text);

/** The comparisons as people read them: per scenario, each difference with both answers. */
export function formatReport(comparisons: readonly ScenarioComparison[]): string {
  const lines: string[] = [];
  for (const c of comparisons) {
    const kept = c.kept.length ? `, ${c.kept.length} kept` : '';
    lines.push(
      `${c.differences.length ? '✗' : '✓'} ${c.scenario}: ${c.exchanges} exchanges, ${c.differences.length} differences${kept}`,
    );
    for (const d of c.differences) {
      const where = d.exchange ? `#${d.exchange} ` : '';
      lines.push(`    ${where}${d.phase} ${d.method}: ${d.what}`);
      lines.push(`      original:  ${clip(d.reference)}`);
      lines.push(`      passerine: ${clip(d.candidate)}`);
    }
  }
  const s = summary(comparisons);
  lines.push(
    `${s.scenarios} scenarios, ${s.exchanges} exchanges compared: ${s.differences} differences, ${s.kept} kept on purpose`,
  );
  return lines.join('\n');
}

export function summary(comparisons: readonly ScenarioComparison[]) {
  return {
    scenarios: comparisons.length,
    exchanges: comparisons.reduce((n, c) => n + c.exchanges, 0),
    differences: comparisons.reduce((n, c) => n + c.differences.length, 0),
    kept: comparisons.reduce((n, c) => n + c.kept.length, 0),
  };
}
