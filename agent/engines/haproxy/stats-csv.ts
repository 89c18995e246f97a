/**
 * The runtime API's tables: `show stat` (CSV, one row per frontend, backend and server, its
 * header naming the columns) and `show servers state` (space-separated, for the state file).
 * Columns are read by name, so a HAProxy that adds some breaks nothing.
 */

export type StatRow = Record<string, string>;

export function parseShowStat(text: string): StatRow[] {
  const lines = text.split('\n');
  const head = lines.findIndex((l) => l.startsWith('# pxname,'));
  if (head < 0) return [];
  const names = lines[head]!.slice(2).split(',');
  const rows: StatRow[] = [];
  for (const line of lines.slice(head + 1)) {
    if (line.trim() === '') continue;
    const values = line.split(',');
    const row: StatRow = {};
    names.forEach((n, i) => {
      if (n) row[n] = values[i] ?? '';
    });
    rows.push(row);
  }
  return rows;
}

/** A counter column as a number (empty = 0). */
export function num(row: StatRow, column: string): number {
  const v = Number(row[column] ?? '');
  return Number.isFinite(v) ? v : 0;
}

export interface ServerStateTable {
  /** The version line (`1`). */
  version: string;
  /** Column names from the `# be_id be_name …` line. */
  columns: string[];
  rows: string[][];
}

export function parseServersState(text: string): ServerStateTable | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  const head = lines.findIndex((l) => l.startsWith('# be_id'));
  if (head < 1) return undefined;
  return {
    version: lines[head - 1]!,
    columns: lines[head]!.slice(2).split(/\s+/),
    rows: lines
      .slice(head + 1)
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(/\s+/)),
  };
}

export function formatServersState(t: ServerStateTable): string {
  return `${t.version}\n# ${t.columns.join(' ')}\n${t.rows.map((r) => r.join(' ')).join('\n')}\n`;
}

/**
 * `show table <name>` of a table keyed by frontend name storing gpc0, as stat rows
 * (`<frontend>/<svname>`, column gpc0) so the StatsBook keeps them like any counter.
 */
export function parseGpcTable(text: string, svname: string): StatRow[] {
  const rows: StatRow[] = [];
  for (const line of text.split('\n')) {
    const m = /\bkey=(\S+)\s.*\bgpc0=(\d+)/.exec(line);
    if (m) rows.push({ pxname: m[1]!, svname, addr: '', gpc0: m[2]! });
  }
  return rows;
}
