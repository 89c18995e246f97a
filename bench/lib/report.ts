/** Turns measured rounds into medians, ratios, target checks, a text table and a JSON record. */
import type { Measurement, MetricSpec, Scenario } from '../scenarios/types.ts';
import { TARGETS } from '../targets.ts';
import type { BenchOptions } from './options.ts';
import { median } from './stats.ts';

export interface ColumnInfo {
  id: string;
  label: string;
}

export interface ScenarioResult {
  scenario: Scenario;
  /** Targets measured, in column order ("direct" first when the scenario includes it). */
  columns: ColumnInfo[];
  /** One map per round: target id → measurement. */
  rounds: Map<string, Measurement>[];
  errors: string[];
}

export interface TargetOutcome {
  scenario: string;
  metric: string;
  target: string;
  portico: number;
  ratio: number;
  status: 'PASS' | 'MISS' | 'n/a';
}

export function medians(r: ScenarioResult): Map<string, Measurement> {
  const out = new Map<string, Measurement>();
  for (const col of r.columns) {
    const keys = new Set(r.rounds.flatMap((round) => Object.keys(round.get(col.id) ?? {})));
    const m: Measurement = {};
    for (const k of keys) m[k] = median(r.rounds.map((round) => round.get(col.id)?.[k] ?? NaN));
    out.set(col.id, m);
  }
  return out;
}

export function evaluateTargets(results: ScenarioResult[], opts: BenchOptions): TargetOutcome[] {
  const out: TargetOutcome[] = [];
  for (const t of TARGETS) {
    const r = results.find((x) => x.scenario.id === t.scenario);
    if (!r) continue; // scenario not selected in this run
    const med = medians(r);
    const ok = t.check(med, opts);
    const portico = med.get('portico')?.[t.metric] ?? NaN;
    out.push({
      scenario: t.scenario,
      metric: t.metric,
      target: t.text,
      portico,
      ratio: ratioOf(med, t.metric),
      status: ok === null ? 'n/a' : ok ? 'PASS' : 'MISS',
    });
  }
  return out;
}

/**
 * Portico ÷ HAProxy; NaN unless both are positive (a ratio of differences such as "added p99"
 * that went negative by noise means nothing).
 */
export function ratioOf(med: Map<string, Measurement>, key: string, peer = 'portico'): number {
  const p = med.get(peer)?.[key] ?? NaN;
  const h = med.get('haproxy')?.[key] ?? NaN;
  return p > 0 && h > 0 ? p / h : NaN;
}

/**
 * The agent driving HAProxy against hand-written HAProxy with the same thread count: only the
 * config differs, so each of these figures should be at least GOAL of HAProxy's (issue 12).
 */
export const AGENT_HAPROXY = {
  peer: 'portico-haproxy',
  goal: 0.97,
  metrics: [
    ['l7', 'rps'],
    ['cps', 'rps'],
    ['l4', 'mibps'],
    ['tls-hs-rsa', 'hsPerCpuS'],
    ['tls-hs-ecdsa', 'hsPerCpuS'],
    ['tls-offload-ka', 'rps'],
    ['tls-reencrypt-ka', 'rps'],
  ] as const,
};

function ratioText(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(3)}×` : '–';
}

function fmt(v: number | undefined, digits: number): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(rows: string[][], rightAlignFrom: number): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) =>
          c >= rightAlignFrom && c < r.length - 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The text report: one block per scenario, then the targets. */
export function renderReport(
  results: ScenarioResult[],
  opts: BenchOptions,
  targets: TargetOutcome[],
): string {
  const out: string[] = [];
  // Every requested peer gets a column, so one that failed to start shows as "–".
  const peers: string[] = opts.peers;
  const labels: Record<string, string> = {
    direct: 'direct',
    haproxy: 'HAProxy',
    nginx: 'nginx',
    portico: 'Portico',
    'portico-haproxy': 'Portico+HAProxy',
  };
  const agentHaproxy = peers.includes(AGENT_HAPROXY.peer);
  for (const r of results) {
    const med = medians(r);
    const ids = [...(r.scenario.includeDirect ? ['direct'] : []), ...peers];
    out.push(`${r.scenario.title} [${r.scenario.id}] — ${r.scenario.describe(opts)}`);
    const header = [
      '  metric',
      'unit',
      ...ids.map((i) => labels[i] ?? i),
      'Portico/HAProxy',
      ...(agentHaproxy ? ['Portico+HAProxy/HAProxy'] : []),
      'better',
      'target',
      'result',
    ];
    const rows: string[][] = [header];
    for (const m of r.scenario.metrics as MetricSpec[]) {
      const vals = ids.map((i) => (i === 'direct' && m.proxyOnly ? undefined : med.get(i)?.[m.key]));
      const ratio = ratioOf(med, m.key);
      const t = targets.find((x) => x.scenario === r.scenario.id && x.metric === m.key);
      rows.push([
        `  ${m.label}`,
        m.unit,
        ...vals.map((v) => fmt(v, m.digits)),
        // Three decimals where a target is checked, so 0.799 is not shown as 0.80 next to MISS.
        Number.isFinite(ratio) ? `${ratio.toFixed(t ? 3 : 2)}×` : '–',
        ...(agentHaproxy ? [ratioText(ratioOf(med, m.key, AGENT_HAPROXY.peer))] : []),
        m.better === 'neither' ? '' : m.better,
        t?.target ?? '',
        t?.status ?? '',
      ]);
    }
    out.push(table(rows, 2));
    for (const e of r.errors) out.push(`  ! ${e}`);
    out.push('');
  }
  if (agentHaproxy) {
    out.push(
      `Portico driving HAProxy (--engine haproxy, same threads) ÷ hand-written HAProxy, goal ≥ ${AGENT_HAPROXY.goal}×:`,
    );
    for (const [id, key] of AGENT_HAPROXY.metrics) {
      const r = results.find((x) => x.scenario.id === id);
      if (!r) continue;
      const ratio = ratioOf(medians(r), key, AGENT_HAPROXY.peer);
      const m = r.scenario.metrics.find((x) => x.key === key)!;
      const status = !Number.isFinite(ratio) ? 'n/a ' : ratio >= AGENT_HAPROXY.goal ? 'PASS' : 'MISS';
      out.push(`  ${status}  ${r.scenario.title}, ${m.label}: ${ratioText(ratio)}`);
    }
    out.push('');
  }
  if (targets.length > 0) {
    out.push('Targets (Portico):');
    for (const t of targets) {
      const r = results.find((x) => x.scenario.id === t.scenario)!;
      const m = r.scenario.metrics.find((x) => x.key === t.metric)!;
      out.push(
        `  ${t.status.padEnd(4)}  ${r.scenario.title}, ${m.label}: ${fmt(t.portico, m.digits)} ${m.unit}` +
          (Number.isFinite(t.ratio) ? ` (${t.ratio.toFixed(3)}× HAProxy)` : '') +
          `, target ${t.target}`,
      );
    }
  }
  return out.join('\n');
}

/** A plain-JSON record of the run (maps and functions flattened). */
export function resultsJson(results: ScenarioResult[], opts: BenchOptions) {
  return results.map((r) => {
    const med = medians(r);
    return {
      id: r.scenario.id,
      title: r.scenario.title,
      load: r.scenario.describe(opts),
      metrics: r.scenario.metrics,
      columns: r.columns.map((c) => c.id),
      rounds: r.rounds.map((round) => Object.fromEntries(round)),
      medians: Object.fromEntries(med),
      ratiosPorticoToHaproxy: Object.fromEntries(r.scenario.metrics.map((m) => [m.key, ratioOf(med, m.key)])),
      ratiosPorticoHaproxyToHaproxy: Object.fromEntries(
        r.scenario.metrics.map((m) => [m.key, ratioOf(med, m.key, AGENT_HAPROXY.peer)]),
      ),
      errors: r.errors,
    };
  });
}
