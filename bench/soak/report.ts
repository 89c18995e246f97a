/** The soak's table: one line per figure, markdown, so it can be pasted into a README as is. */
import type { RowResult } from './types.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function markdownTable(rows: RowResult[]): string {
  const lines = ['| row | what | figure | goal | result |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    if (r.error && r.figures.length === 0) {
      lines.push(
        `| ${r.id} | ${cell(r.title)} | harness failed: ${cell(r.error.split('\n')[0] ?? '')} | | ERROR |`,
      );
      continue;
    }
    for (const f of r.figures) {
      const result = f.pass === null ? '' : f.pass ? 'PASS' : 'MISS';
      lines.push(`| ${f.id} | ${cell(f.label)} | ${cell(f.figure)} | ${cell(f.goal)} | ${result} |`);
    }
    if (r.error)
      lines.push(
        `| ${r.figures[0]?.id ?? r.id} | ${cell(r.title)} | harness error: ${cell(r.error.split('\n')[0] ?? '')} | | ERROR |`,
      );
  }
  return lines.join('\n');
}
